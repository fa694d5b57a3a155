// Renders a route tree in memory with fresh providers, the way tests see the real app.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { RouteObject } from 'react-router';
import { AppProviders, createQueryClient } from '@/app/providers';

export function renderRoutes(routes: RouteObject[], initialPath: string) {
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 } });
  const result = render(
    <AppProviders client={client}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...result, router, client };
}

/** Renders one element at `path` (for components that use router hooks). */
export function renderAt(element: ReactElement, path = '/', pattern = '*') {
  return renderRoutes([{ path: pattern, element }], path);
}
