import { SignInPage } from '../features/auth/sign-in-page.js';
import { IdentityContext, useSession } from '../features/auth/session.js';
import { WhoAmI } from '../features/auth/who-am-i.js';
import { ProjectPage } from '../features/project/project-page.js';
import { ProjectsPage } from '../features/projects/projects-page.js';
import { FreightPage } from '../features/freight/freight-page.js';
import { PromotionPage } from '../features/promotion/promotion-page.js';
import { StagePage } from '../features/stage/stage-page.js';
import { WarehousePage } from '../features/warehouse/warehouse-page.js';
import { YamlPage } from '../features/yaml/yaml-page.js';
import { Link, paths, useLocation, useRoute } from './router.js';

/**
 * The shell: a header with the way home and who is signed in, and the page the URL names; the
 * sign-in page in its place while there is no session (the URL stays, so signing in lands
 * where the user was going, and a session ending mid-use comes back to the same page).
 */
export function App() {
  const route = useRoute();
  const location = useLocation();
  const [session, { signIn, signOut }] = useSession();
  const identity = session.state === 'signed-in' ? session.identity : undefined;
  // The page loads while the server is asked who we are (no round trip first); a 401 from
  // either brings the sign-in page.
  const signedIn = session.state !== 'signed-out';
  return (
    <div className="app">
      <header className="topbar">
        <Link to={paths.projects()} className="brand">
          Gantry
        </Link>
        {signedIn && route.page !== 'projects' && route.page !== 'not-found' && (
          <nav className="crumbs">
            <span>/</span>
            <Link to={paths.project(route.project)}>{route.project}</Link>
            {route.page === 'promotion' && (
              <>
                <span>/</span>
                <span>{route.promotion}</span>
              </>
            )}
            {route.page === 'stage' && (
              <>
                <span>/</span>
                <span>stage {route.stage}</span>
              </>
            )}
            {route.page === 'freight' && (
              <>
                <span>/</span>
                <span>freight {route.freight}</span>
              </>
            )}
            {route.page === 'warehouse' && (
              <>
                <span>/</span>
                <span>{route.warehouse}</span>
              </>
            )}
            {route.page === 'yaml' && (
              <>
                <span>/</span>
                <span>{route.name ?? 'project'} (YAML)</span>
              </>
            )}
          </nav>
        )}
        <span className="spacer" />
        {identity && <WhoAmI identity={identity} signOut={signOut} />}
      </header>
      <main>
        {session.state === 'signed-out' && (
          <SignInPage ended={session.ended} path={location} signIn={signIn} />
        )}
        {signedIn && (
          <IdentityContext value={identity}>
            {route.page === 'projects' && <ProjectsPage />}
            {route.page === 'project' && <ProjectPage project={route.project} />}
            {route.page === 'promotion' && (
              <PromotionPage project={route.project} promotion={route.promotion} />
            )}
            {route.page === 'stage' && <StagePage project={route.project} stage={route.stage} />}
            {route.page === 'freight' && (
              <FreightPage project={route.project} freight={route.freight} />
            )}
            {route.page === 'warehouse' && (
              <WarehousePage project={route.project} warehouse={route.warehouse} />
            )}
            {route.page === 'yaml' && (
              <YamlPage project={route.project} plural={route.plural} name={route.name} />
            )}
            {route.page === 'not-found' && (
              <div className="empty">
                <h2>No such page</h2>
                <p>
                  {route.path} is not a page of Gantry.{' '}
                  <Link to={paths.projects()}>All projects</Link>
                </p>
              </div>
            )}
          </IdentityContext>
        )}
      </main>
    </div>
  );
}
