/** The trackers a product team may link an issue to. */
export const TRACKERS = ['github', 'gitlab', 'jira', 'linear'] as const;
export type Tracker = (typeof TRACKERS)[number];

export const TRACKER_NAMES: Record<Tracker, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  jira: 'Jira',
  linear: 'Linear',
};

/** A tracker issue as people say it: "GitHub acme/app#12". */
export const trackerIssueName = (tracker: Tracker, ref: string) =>
  `${TRACKER_NAMES[tracker]} ${ref}`;

/**
 * The release a fix closed in a tracker ships in: the milestone or fix versions the tracker
 * named, else the tracker issue itself. One rule for `ship` (heard ships it) and `ask` (the
 * screen offers it).
 */
export const trackerRelease = (tracker: Tracker, ref: string, release?: string | null) =>
  release ?? trackerIssueName(tracker, ref);

/** What heard does when a linked tracker issue is closed as done. */
export const ON_TRACKER_DONE = ['ask', 'ship'] as const;
export type OnTrackerDone = (typeof ON_TRACKER_DONE)[number];

/** One issue of a tracker, as its URL names it. */
export interface TrackerIssue {
  tracker: Tracker;
  /**
   * How the tracker's webhooks name it, case folded: `owner/repo#12` (GitHub),
   * `group/project#12` (GitLab), `PROJ-12` (Jira, Linear).
   */
  ref: string;
  /** The link's id on its issue: tracker and ref. */
  linkId: string;
  /** The site it lives on (Jira's API is there; GitHub and GitLab may be self-hosted). */
  site: string;
  url: string;
}

const issueKey = /^[A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*$/;

/**
 * The tracker issue a URL names, or undefined. By path, so that GitHub Enterprise, a
 * self-managed GitLab and any Jira site work: `…/-/issues/12` is GitLab, `…/browse/KEY-12`
 * Jira, `linear.app/<workspace>/issue/KEY-12` Linear, `…/<owner>/<repo>/issues/12` GitHub.
 */
export const parseTrackerUrl = (raw: string): TrackerIssue | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const site = url.host.toLowerCase();
  const make = (tracker: Tracker, ref: string): TrackerIssue => ({
    tracker,
    ref,
    linkId: `${tracker}:${ref}`,
    site,
    url: `${url.protocol}//${url.host}${url.pathname}`,
  });
  const dash = parts.indexOf('-');
  if (dash >= 1 && ['issues', 'work_items'].includes(parts[dash + 1] ?? '')) {
    const iid = parts[dash + 2] ?? '';
    if (!/^[1-9][0-9]*$/.test(iid)) return undefined;
    return make('gitlab', `${parts.slice(0, dash).join('/').toLowerCase()}#${iid}`);
  }
  if (site === 'linear.app') {
    const key = parts[1] === 'issue' ? parts[2] : undefined;
    return key && issueKey.test(key) ? make('linear', key.toUpperCase()) : undefined;
  }
  const browse = parts.indexOf('browse');
  if (browse >= 0 && parts.length === browse + 2) {
    const key = parts[browse + 1]!;
    return issueKey.test(key) ? make('jira', key.toUpperCase()) : undefined;
  }
  if (parts.length === 4 && parts[2] === 'issues' && /^[1-9][0-9]*$/.test(parts[3]!))
    return make('github', `${parts[0]}/${parts[1]}#${parts[3]}`.toLowerCase());
  return undefined;
};

export const TRACKER_URL_RULE =
  'url must name one issue of GitHub (…/owner/repo/issues/12), GitLab (…/group/project/-/issues/12), Jira (…/browse/PROJ-12) or Linear (linear.app/workspace/issue/ENG-12)';
