// Switching workspace: every cached answer belongs to the old one, so all but /me are dropped
// (active ones refetch with the new header) and the user lands on the new one's experiments.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { ME_QUERY_ROOT } from '@/features/auth/api/get-me';
import { selectWorkspace } from '@/features/auth/utils/session-store';

export function useSwitchWorkspace() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return useCallback((name: string) => {
    selectWorkspace(name);
    void navigate('/experiments');
    void client.resetQueries({ predicate: (query) => query.queryKey[0] !== ME_QUERY_ROOT });
  }, [client, navigate]);
}
