// Sign out: forget the credentials and every cached answer, then show the sign-in page.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { signOut } from '@/features/auth/utils/session-store';

export function useSignOut() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return useCallback(() => {
    signOut('You signed out.');
    client.removeQueries();
    void navigate('/sign-in', { replace: true });
  }, [client, navigate]);
}
