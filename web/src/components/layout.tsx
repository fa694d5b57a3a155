// The page frame: a top bar with the product name, the main navigation and, at its right end,
// whatever the app puts there (the workspace switcher and sign-out), then the page.
import type { ReactNode } from 'react';
import { Link, NavLink, Outlet } from 'react-router';

export function Layout({ actions }: { actions?: ReactNode }) {
  return (
    <div className="layout">
      <header className="topbar">
        <Link to="/" className="topbar__brand">Bucketflow</Link>
        <nav aria-label="Main">
          <NavLink to="/experiments" className="topbar__link">Experiments</NavLink>
        </nav>
        {actions}
      </header>
      <main className="layout__main" id="main">
        <Outlet />
      </main>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p><Link to="/experiments">Go to the experiments list</Link></p>
    </div>
  );
}
