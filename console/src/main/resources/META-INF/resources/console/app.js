// The console's shell: who is logged in, the navigation, the notification bell (SSE), the language switch and
// the router that shows one view at a time (#/board, #/contact/<id>, #/tasks, #/calls, #/dashboard, #/admin).
import { get, post, request } from './api.js';
import { h, clear, toast, dateTime } from './dom.js';
import { t, language, setLanguage, languages } from './i18n.js';
import { boardView } from './views/board.js';
import { contactView } from './views/contact.js';
import { tasksView } from './views/tasks.js';
import { callsView } from './views/calls.js';
import { dashboardView } from './views/dashboard.js';
import { adminView } from './views/admin.js';

const ROUTES = [
  { path: 'board', label: 'navBoard', roles: ['ADMIN', 'HEAD', 'MANAGER'], view: boardView },
  { path: 'tasks', label: 'navTasks', roles: ['ADMIN', 'HEAD', 'MANAGER', 'OPERATOR'], view: tasksView },
  { path: 'calls', label: 'navCalls', roles: ['ADMIN', 'HEAD', 'MANAGER', 'OPERATOR'], view: callsView },
  { path: 'dashboard', label: 'navDashboard', roles: ['ADMIN', 'HEAD', 'MANAGER', 'ANALYST'], view: dashboardView },
  { path: 'admin', label: 'navAdmin', roles: ['ADMIN'], view: adminView },
  { path: 'contact', label: 'navContact', roles: ['ADMIN', 'HEAD', 'MANAGER', 'OPERATOR'], view: contactView, hidden: true },
];

const state = { session: null, notifications: [], unread: 0 };

function allowed(route) {
  return route.roles.some((role) => state.session.roles.includes(role));
}

function home() {
  const roles = state.session.roles;
  if (roles.includes('OPERATOR') && state.session.departments.includes('call-centre')) return 'calls';
  const first = ROUTES.find((r) => !r.hidden && allowed(r));
  return first ? first.path : 'tasks';
}

function shell() {
  const app = document.getElementById('app');
  const nav = h('nav.main-nav', { 'aria-label': 'Main' },
    ROUTES.filter((r) => !r.hidden && allowed(r)).map((r) =>
      h('a', { href: `#/${r.path}`, id: `nav-${r.path}`, dataset: { route: r.path } }, t(r.label))));
  const langSelect = h('select', { id: 'language', 'aria-label': t('language') },
    languages.map((l) => h('option', { value: l, selected: l === language() }, l.toUpperCase())));
  langSelect.addEventListener('change', () => {
    setLanguage(langSelect.value);
    shell();
    route();
  });
  const bellCount = h('span.bell-count', { id: 'bell-count', hidden: state.unread === 0 }, String(state.unread));
  const bell = h('button.bell', { id: 'bell', type: 'button', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-label': t('notifications') },
    bellIcon(), bellCount);
  const panel = h('div.bell-panel', { id: 'bell-panel', hidden: true, role: 'region', 'aria-label': t('notifications') });
  bell.addEventListener('click', () => toggleBell(bell, panel));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      toggleBell(bell, panel);
      bell.focus();
    }
  });
  const logout = h('button.secondary', { id: 'logout', type: 'button' }, t('logout'));
  logout.addEventListener('click', async () => {
    const answer = await request('/logout', { method: 'POST' });
    location.assign(answer.data && answer.data.next ? answer.data.next : '/');
  });
  clear(app,
    h('a.skip', { href: '#main' }, t('skipToContent')),
    h('header.top', {},
      h('span.brand', {}, t('appName')),
      nav,
      h('div.tools', {},
        langSelect,
        h('span.bell-wrap', {}, bell, panel),
        h('span.user', { id: 'user-name', title: state.session.roles.join(', ') }, state.session.name),
        logout)),
    h('main', { id: 'main', tabindex: '-1' }),
    h('div.toasts', { id: 'toasts', 'aria-live': 'polite' }));
}

function bellIcon() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z');
  svg.append(path);
  return svg;
}

function toggleBell(bell, panel) {
  const open = panel.hidden;
  panel.hidden = !open;
  bell.setAttribute('aria-expanded', String(open));
  if (open) renderBell(panel);
}

function renderBell(panel) {
  const markAll = h('button.link', { type: 'button', id: 'mark-all-read' }, t('markAllRead'));
  markAll.addEventListener('click', async () => {
    await post('/api/notifications/read-all');
    state.notifications.forEach((n) => (n.readAt = n.readAt || new Date().toISOString()));
    setUnread(0);
    renderBell(panel);
  });
  clear(panel,
    h('div.bell-head', {}, h('strong', {}, t('notifications')), markAll),
    state.notifications.length === 0
      ? h('p.muted', {}, t('noNotifications'))
      : h('ul.bell-list', {}, state.notifications.slice(0, 30).map((n) =>
        h(`li.notification${n.readAt ? '' : '.unread'}`, { dataset: { topic: n.topic } },
          h('div.subject', {}, n.subject),
          h('div.body', {}, n.body),
          h('div.when.muted', {}, dateTime(n.createdAt))))));
}

function setUnread(count) {
  state.unread = count;
  const badge = document.getElementById('bell-count');
  if (badge) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
}

async function loadNotifications() {
  try {
    state.notifications = await get('/api/notifications?size=30');
    setUnread(state.notifications.filter((n) => !n.readAt).length);
  } catch (e) {
    // the bell stays empty; the stream may still deliver
  }
}

/** The live stream: each notification goes to the bell and, as a window event, to the view that wants it. */
function openStream() {
  const source = new EventSource('/api/notifications/stream');
  source.addEventListener('notification', (event) => {
    const n = JSON.parse(event.data);
    if (state.notifications.some((m) => m.id === n.id)) return;
    state.notifications.unshift(n);
    setUnread(state.unread + 1);
    const panel = document.getElementById('bell-panel');
    if (panel && !panel.hidden) renderBell(panel);
    window.dispatchEvent(new CustomEvent('crm:notification', { detail: n }));
    if (n.topic !== 'CallStarted') toast(n.subject);
  });
  source.addEventListener('open', () => document.body.classList.add('live'));
  source.addEventListener('error', () => document.body.classList.remove('live'));
}

let currentView = null;

async function route() {
  const [path, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const target = ROUTES.find((r) => r.path === path);
  if (!target) {
    location.replace(`#/${home()}`);
    return;
  }
  for (const link of document.querySelectorAll('.main-nav a')) {
    if (link.dataset.route === path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  if (currentView && currentView.dispose) currentView.dispose();
  currentView = null;
  if (!allowed(target)) {
    clear(main, h('p.muted', {}, t('notAllowed')));
    return;
  }
  clear(main, h('p.muted', {}, t('loading')));
  main.dataset.view = path;
  try {
    currentView = (await target.view(main, { session: state.session, params: rest.map(decodeURIComponent) })) || null;
  } catch (e) {
    clear(main, h('p.error', { role: 'alert' }, t('failed', { message: e.message })));
  }
}

async function start() {
  state.session = await get('/session');
  shell();
  await loadNotifications();
  openStream();
  window.addEventListener('hashchange', route);
  await route();
}

start();
