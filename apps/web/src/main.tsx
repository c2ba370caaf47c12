import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import {
  forgetKey,
  get,
  may,
  SCREENS,
  storedKey,
  storeKey,
  whenUnauthenticated,
  type Me,
} from './api';
import { finishSignIn } from './identity-provider';
import { SignIn } from './screens/sign-in';
import { CustomerScreen } from './screens/customer';
import { CaseScreen } from './screens/case';
import { IssuesScreen } from './screens/issues';
import { KpisScreen } from './screens/kpis';
import { SlaScreen } from './screens/sla';
import { NotForYou } from './ui';
import './styles.css';

const NAV = [
  { href: '/app/customers', label: 'Customers', roles: SCREENS.customers },
  { href: '/app/issues', label: 'Issues', roles: SCREENS.issues },
  { href: '/app/kpis', label: 'KPIs and impact', roles: SCREENS.kpis },
  { href: '/app/sla', label: 'SLA queue', roles: SCREENS.sla },
] as const;

const Home = ({ me }: { me: Me }) => {
  const { route } = useLocation();
  const first = NAV.find((screen) => may(me, screen.roles));
  useEffect(() => {
    if (first) route(first.href, true);
  }, [first, route]);
  return first ? null : (
    <NotForYou me={me} roles={['agent', 'supervisor', 'analyst', 'product']} what="any screen" />
  );
};

/** The browser tab's title for a screen's path: what is open, then heard. */
const titleOf = (path: string): string => {
  const [, , screen, id] = path.split('/');
  const what =
    screen === 'customers' && id
      ? `Customer ${decodeURIComponent(id)}`
      : screen === 'cases' && id
        ? `Case ${decodeURIComponent(id)}`
        : NAV.find((n) => n.href === `/app/${screen}`)?.label;
  return what ? `${what} · heard` : 'heard';
};

const Shell = ({ me, signOut }: { me: Me; signOut: () => void }) => {
  const { path } = useLocation();
  useEffect(() => {
    document.title = titleOf(path);
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/app/">
          heard
        </a>
        <nav aria-label="Screens">
          {NAV.filter((screen) => may(me, screen.roles)).map((screen) => (
            <a href={screen.href} aria-current={path.startsWith(screen.href) ? 'page' : undefined}>
              {screen.label}
            </a>
          ))}
        </nav>
        <span class="who">
          {me.id} <span class="muted">({me.roles.join(', ')})</span>
        </span>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Router>
          <Route path="/app/customers" component={() => <CustomerScreen me={me} />} />
          <Route
            path="/app/customers/:customerId"
            component={({ customerId }: { customerId: string }) => (
              <CustomerScreen me={me} customerId={customerId} />
            )}
          />
          <Route
            path="/app/cases/:caseId"
            component={({ caseId }: { caseId: string }) => <CaseScreen me={me} caseId={caseId} />}
          />
          <Route path="/app/issues" component={() => <IssuesScreen me={me} />} />
          <Route path="/app/kpis" component={() => <KpisScreen me={me} />} />
          <Route path="/app/sla" component={() => <SlaScreen me={me} />} />
          <Route default component={() => <Home me={me} />} />
        </Router>
      </main>
    </>
  );
};

const App = () => {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [problem, setProblem] = useState<Error>();
  const signOut = () => {
    forgetKey();
    setMe(null);
  };
  useEffect(() => {
    whenUnauthenticated(signOut);
    // Back from the identity provider: its token becomes this tab's credential.
    finishSignIn()
      .then((token) => {
        if (token) storeKey(token);
        return storedKey() ? get<Me>('/me') : null;
      })
      .then(setMe, (error: Error) => {
        forgetKey();
        setProblem(error);
        setMe(null);
      });
  }, []);
  useEffect(() => {
    if (me === null) document.title = 'Sign in · heard';
  }, [me]);
  if (me === undefined)
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  return (
    <LocationProvider>
      {me ? <Shell me={me} signOut={signOut} /> : <SignIn onSignedIn={setMe} problem={problem} />}
    </LocationProvider>
  );
};

render(<App />, document.getElementById('root')!);
