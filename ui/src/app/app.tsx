import { ProjectPage } from '../features/project/project-page.js';
import { ProjectsPage } from '../features/projects/projects-page.js';
import { PromotionPage } from '../features/promotion/promotion-page.js';
import { Link, paths, useRoute } from './router.js';

/** The shell: a header with the way home, and the page the URL names. */
export function App() {
  const route = useRoute();
  return (
    <div className="app">
      <header className="topbar">
        <Link to={paths.projects()} className="brand">
          Gantry
        </Link>
        {route.page !== 'projects' && route.page !== 'not-found' && (
          <nav className="crumbs">
            <span>/</span>
            <Link to={paths.project(route.project)}>{route.project}</Link>
            {route.page === 'promotion' && (
              <>
                <span>/</span>
                <span>{route.promotion}</span>
              </>
            )}
          </nav>
        )}
      </header>
      <main>
        {route.page === 'projects' && <ProjectsPage />}
        {route.page === 'project' && <ProjectPage project={route.project} />}
        {route.page === 'promotion' && (
          <PromotionPage project={route.project} promotion={route.promotion} />
        )}
        {route.page === 'not-found' && (
          <div className="empty">
            <h2>No such page</h2>
            <p>
              {route.path} is not a page of Gantry. <Link to={paths.projects()}>All projects</Link>
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
