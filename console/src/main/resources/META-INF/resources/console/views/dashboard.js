// Dashboards from the analytics endpoints: headline figures and bar charts (inline SVG, no chart library) for
// the funnel, won/lost and revenue by period, activity per rep, sources and appeal topics, filtered by period, time
// zone, granularity, department, pipeline and owner as analytics-service takes them. Refreshes live when a deal is
// won and on demand.
import { get, query, peopleNames, nameOf } from '../api.js';
import { h, clear, money } from '../dom.js';
import { t } from '../i18n.js';
import { chosenPipeline } from './board.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function dashboardView(main, { session }) {
  const pipelines = await get('/api/pipelines').catch(() => []);
  const teams = await get('/api/teams').catch(() => []);
  const names = await peopleNames();
  const saved = JSON.parse(localStorage.getItem('crm.dashboard') || '{}');
  const f = filters(pipelines, Array.isArray(teams) ? teams : [], session, saved);
  const body = h('div.dashboard', { id: 'dashboard' });
  const refresh = h('button.secondary', { type: 'button', id: 'dashboard-refresh' }, t('refresh'));
  refresh.addEventListener('click', () => load());
  const form = h('form.filters', { id: 'dashboard-filters', 'aria-label': t('filters') }, f.controls,
    h('button', { type: 'submit', id: 'dashboard-apply' }, t('apply')), refresh);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  // choices apply with "Apply" (Enter in a field too): a keyboard user stepping through a list would otherwise
  // send a round of requests per step and meet the gateway's rate limit
  f.period.addEventListener('change', () => f.syncDates());
  const problem = h('p.error', { id: 'dashboard-problem', role: 'alert', hidden: true });
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navDashboard'))), form, problem, body);

  let latest = 0;

  async function load() {
    const mine = ++latest;
    const range = f.query();
    localStorage.setItem('crm.dashboard', JSON.stringify(f.state()));
    const pipelineId = range.pipelineId || chosenPipeline(pipelines, session);
    const failures = [];
    const safe = (p) => p.catch((e) => {
      failures.push(e.message);
      return null;
    });
    const flat = { ...range, granularity: undefined };
    const [deals, funnel, activity, sources, appeals] = await Promise.all([
      safe(get(`/api/analytics/deals${query(range)}`)),
      safe(pipelineId ? get(`/api/analytics/funnel${query({ ...flat, pipelineId })}`) : Promise.reject(new Error('no pipeline'))),
      safe(get(`/api/analytics/activity${query(flat)}`)),
      safe(get(`/api/analytics/sources${query(flat)}`)),
      safe(get(`/api/analytics/appeals${query(flat)}`)),
    ]);
    if (mine !== latest) return;
    problem.hidden = failures.length === 0;
    clear(problem, [...new Set(failures)].join(' '));
    const dealRows = (deals && deals.rows) || [];
    const won = dealRows.reduce((n, r) => n + (r.won || 0), 0);
    const lost = dealRows.reduce((n, r) => n + (r.lost || 0), 0);
    const revenue = sumMaps(dealRows.map((r) => r.wonAmount || {}));
    const calls = ((activity && activity.rows) || []).reduce((n, r) => n + (r.calls || 0), 0);
    const sourceRows = (sources && sources.rows) || [];
    const leads = sourceRows.reduce((n, r) => n + (r.leads || 0), 0);
    const sourceWon = sourceRows.reduce((n, r) => n + (r.won || 0), 0);
    const open = (deals && deals.open) || {};
    clear(body,
      h('div.kpis', {},
        kpi('kpi-won', t('won'), won),
        kpi('kpi-lost', t('lost'), lost),
        kpi('kpi-revenue', t('revenue'), Object.entries(revenue).map(([c, a]) => money(a, c)).join(' + ') || '0'),
        kpi('kpi-calls', t('calls'), calls),
        kpi('kpi-open', t('openDeals'), `${open.deals ?? 0} · ${Object.entries(open.value || {}).map(([c, a]) => money(a, c)).join(' + ')}`),
        kpi('kpi-conversion', t('conversion'), leads ? `${Math.round((sourceWon / leads) * 100)} %` : '—')),
      h('div.charts', {},
        chart('chart-funnel', t('dashFunnel'), funnelBars((funnel && funnel.rows) || [], pipelines.find((p) => p.id === pipelineId))),
        chart('chart-deals', t('dashDeals'), dealRows.flatMap((r) => [
          { label: `${r.period} ${t('won')}`, value: r.won || 0 },
          { label: `${r.period} ${t('lost')}`, value: r.lost || 0, kind: 'lost' }])),
        chart('chart-activity', t('dashActivity'), aggregate((activity && activity.rows) || [], (r) => nameOf(names, r.userId), (r) => r.calls)),
        chart('chart-sources', t('dashSources'), aggregate(sourceRows, (r) => r.source, (r) => r.leads)),
        chart('chart-appeals', t('dashAppeals'), aggregate((appeals && appeals.rows) || [], (r) => r.topic, (r) => r.appeals))));
  }

  await load();
  const onNotification = (event) => {
    if (event.detail.topic === 'DealWon') load();
  };
  window.addEventListener('crm:notification', onNotification);
  return { dispose: () => window.removeEventListener('crm:notification', onNotification) };
}

/** Periods ending today, counted in the chosen time zone; "custom" takes the dates as typed. */
const PERIODS = [
  { key: 'days7', days: 7, granularity: 'day' },
  { key: 'days30', days: 30, granularity: 'week' },
  { key: 'days90', days: 90, granularity: 'month' },
  { key: 'thisMonth', granularity: 'week' },
  { key: 'custom' },
];

const GRANULARITIES = ['day', 'week', 'month'];

/**
 * The filter controls the analytics API takes: from/to with a time zone, granularity, department, pipeline and
 * owner. A MANAGER's figures are their own whatever the owner says (analytics-service), so they get no owner list.
 */
function filters(pipelines, teams, session, saved) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const control = (id, label, input) => h('span.filter', {}, h('label', { for: id }, label), input);
  const period = h('select', { id: 'dashboard-period' }, PERIODS.map((p) => h('option', { value: p.key, selected: p.key === (saved.period || 'days30') }, t(p.key))));
  const from = h('input', { id: 'dashboard-from', type: 'date', value: saved.from });
  const to = h('input', { id: 'dashboard-to', type: 'date', value: saved.to });
  const zones = [...new Set([zone, 'UTC', 'Europe/Moscow', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Yekaterinburg', 'Asia/Novosibirsk', 'Asia/Vladivostok'])];
  const timeZone = h('select', { id: 'dashboard-zone' }, zones.map((z) => h('option', { value: z, selected: z === (saved.timeZone || zone) }, z)));
  const granularity = h('select', { id: 'dashboard-granularity' }, GRANULARITIES.map((g) => h('option', { value: g, selected: g === (saved.granularity || 'week') }, t(g))));
  const departments = [...new Set([...session.departments, ...teams.map((team) => team.id)])];
  const department = h('select', { id: 'dashboard-department' }, h('option', { value: '' }, t('allDepartments')),
    departments.map((d) => h('option', { value: d, selected: d === saved.departmentId }, (teams.find((team) => team.id === d) || {}).name || d)));
  const pipeline = h('select', { id: 'dashboard-pipeline' }, h('option', { value: '' }, t('defaultPipeline')),
    pipelines.map((p) => h('option', { value: p.id, selected: p.id === saved.pipelineId }, p.name)));
  const people = new Map();
  for (const team of teams) for (const m of team.members || []) people.set(m.userId, m.name || m.userId);
  const mayChooseOwner = session.roles.some((r) => ['ADMIN', 'HEAD', 'ANALYST'].includes(r));
  const owner = h('select', { id: 'dashboard-owner', disabled: !mayChooseOwner }, h('option', { value: '' }, mayChooseOwner ? t('everyone') : t('mine')),
    [...people].map(([id, name]) => h('option', { value: id, selected: id === saved.ownerId }, name)));
  function syncDates() {
    const p = PERIODS.find((x) => x.key === period.value);
    const custom = p.key === 'custom';
    from.disabled = !custom;
    to.disabled = !custom;
    if (custom) return;
    const today = todayIn(timeZone.value);
    const first = p.days ? addDays(today, -(p.days - 1)) : `${today.slice(0, 8)}01`;
    from.value = first;
    to.value = today;
    granularity.value = p.granularity;
  }
  if (!saved.period || saved.period !== 'custom' || !saved.from) syncDates();
  else {
    from.disabled = false;
    to.disabled = false;
  }
  timeZone.addEventListener('change', () => {
    if (period.value !== 'custom') syncDates();
  });
  return {
    period, granularity, department, pipeline, owner, syncDates,
    controls: [
      control('dashboard-period', t('period'), period), control('dashboard-from', t('from'), from), control('dashboard-to', t('to'), to),
      control('dashboard-zone', t('timeZone'), timeZone), control('dashboard-granularity', t('granularity'), granularity),
      control('dashboard-department', t('department'), department), control('dashboard-pipeline', t('pipeline'), pipeline),
      control('dashboard-owner', t('owner'), owner)],
    query: () => ({
      from: from.value, to: to.value, timeZone: timeZone.value, granularity: granularity.value,
      departmentId: department.value, pipelineId: pipeline.value, ownerId: owner.disabled ? '' : owner.value,
    }),
    state: () => ({
      period: period.value, from: from.value, to: to.value, timeZone: timeZone.value, granularity: granularity.value,
      departmentId: department.value, pipelineId: pipeline.value, ownerId: owner.value,
    }),
  };
}

/** Today's date (yyyy-MM-dd) in a time zone. */
function todayIn(zone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts;
}

function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function kpi(id, label, value) {
  return h('div.kpi', { id }, h('div.kpi-value', {}, String(value)), h('div.kpi-label', {}, label));
}

function sumMaps(maps) {
  const out = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] || 0) + Number(v);
  return out;
}

/** The funnel in the pipeline's stage order, each stage by its name: deals that entered it in the period. */
function funnelBars(rows, pipeline) {
  const names = new Map(((pipeline && pipeline.stages) || []).map((stage) => [stage.key, stage.name]));
  const entered = new Map();
  for (const r of rows) {
    const e = entered.get(r.stage) || { position: r.position ?? 0, value: 0, kind: r.stageKind === 'LOST' ? 'lost' : '' };
    e.value += Number(r.entered || 0);
    entered.set(r.stage, e);
  }
  return [...entered.entries()]
    .sort((a, b) => a[1].position - b[1].position)
    .map(([stage, e]) => ({ label: names.get(stage) || stage, value: e.value, kind: e.kind }));
}

function aggregate(rows, key, value) {
  const sums = new Map();
  for (const r of rows) {
    const k = key(r) ?? '—';
    sums.set(k, (sums.get(k) || 0) + Number(value(r) || 0));
  }
  return [...sums.entries()].map(([label, v]) => ({ label, value: v })).sort((a, b) => b.value - a.value).slice(0, 12);
}

/** A horizontal bar chart; the numbers are also in the SVG's text, so a screen reader reads them. */
function chart(id, title, bars) {
  const section = h('section.panel.chart', { id, 'aria-label': title }, h('h2', {}, title));
  if (bars.length === 0) {
    section.append(h('p.muted', {}, t('noData')));
    return section;
  }
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 26;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 400 ${bars.length * rowHeight}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  bars.forEach((bar, i) => {
    const y = i * rowHeight;
    const width = Math.max(2, (bar.value / max) * 220);
    svg.append(
      el('text', { x: 0, y: y + 17, class: 'bar-label' }, String(bar.label).slice(0, 22)),
      el('rect', { x: 150, y: y + 4, width, height: rowHeight - 8, rx: 3, class: `bar ${bar.kind || ''}` }),
      el('text', { x: 150 + width + 6, y: y + 17, class: 'bar-value' }, String(bar.value)));
  });
  section.append(svg);
  return section;
}

function el(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
