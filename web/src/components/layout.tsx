// The page frame: a top bar with the product name and the main navigation, then the page.
import { Link, NavLink, Outlet } from 'react-router';

export function Layout() {
  return (
    <div className="layout">
      <header className="topbar">
        <Link to="/" className="topbar__brand">Bucketflow</Link>
        <nav aria-label="Main">
          <NavLink to="/experiments" className="topbar__link">Experiments</NavLink>
        </nav>
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
