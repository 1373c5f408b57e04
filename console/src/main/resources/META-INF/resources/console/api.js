// Calls the gateway with the session cookie; the gateway adds the user's access token. State-changing calls
// echo the CSRF cookie in X-XSRF-TOKEN (docs/console.md). A 401 means the session is gone: log in again.
export const LOGIN_PATH = '/oauth2/authorization/crm';

export class ApiError extends Error {
  constructor(status, problem) {
    const fields = problem && Array.isArray(problem.errors)
      ? problem.errors.map((e) => `${e.field} ${e.message}`).join('; ')
      : '';
    super([(problem && (problem.detail || problem.title)) || `HTTP ${status}`, fields].filter(Boolean).join(' '));
    this.status = status;
    this.problem = problem || {};
  }
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

/** Sends a request; resolves to {data, etag, status}. */
export async function request(path, { method = 'GET', body, ifMatch, headers = {} } = {}) {
  const all = { Accept: 'application/json', ...headers };
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (!['GET', 'HEAD'].includes(method)) all['X-XSRF-TOKEN'] = csrfToken();
  if (ifMatch !== undefined) all['If-Match'] = ifMatch;
  const response = await fetch(path, {
    method,
    headers: all,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign(LOGIN_PATH);
    throw new ApiError(401, { title: 'Session expired' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : { detail: text });
  return { data, etag: response.headers.get('ETag'), status: response.status };
}

export const get = async (path) => (await request(path)).data;
export const post = async (path, body, options = {}) => (await request(path, { method: 'POST', body, ...options })).data;
export const put = async (path, body, options = {}) => (await request(path, { method: 'PUT', body, ...options })).data;

/** The If-Match value for an aggregate's version (the services' ETag is the quoted version). */
export const version = (v) => `"${v}"`;

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

let lossReasons = null;

/** The tenant's loss reasons (deal settings), read once per page load: a LOST move must name one of them. */
export async function lossReasonOptions() {
  if (!lossReasons) {
    const settings = await get('/api/deal-settings').catch(() => ({}));
    lossReasons = (settings.lossReasons || []).map((r) => ({ value: r.key, label: r.name || r.key }));
  }
  return lossReasons;
}

let names = null;

/**
 * The people of the caller's tenant by user id, for showing a name instead of an id: the team rosters of
 * tasks-service (`/api/teams`, answered for the token's tenant only, so no other tenant's names can appear).
 * Someone in no team keeps their id.
 */
export async function peopleNames() {
  if (!names) {
    const teams = await get('/api/teams').catch(() => []);
    names = new Map();
    for (const team of Array.isArray(teams) ? teams : []) {
      for (const m of team.members || []) if (m.name && !names.has(m.userId)) names.set(m.userId, m.name);
    }
  }
  return names;
}

/** A user's name where the rosters know it, else the id. */
export const nameOf = (map, id) => (id ? map.get(id) || id : '');
