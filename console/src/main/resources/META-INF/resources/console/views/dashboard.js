// Dashboards from the analytics endpoints: headline figures and bar charts (inline SVG, no chart library) for
// the funnel, won/lost and revenue by period, activity per rep, sources and appeal topics. Refreshes live when
// a deal is won and on demand.
import { get, query } from '../api.js';
import { h, clear, money } from '../dom.js';
import { t } from '../i18n.js';
import { chosenPipeline } from './board.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function dashboardView(main, { session }) {
  const pipelines = await get('/api/pipelines').catch(() => []);
  const pipelineId = chosenPipeline(pipelines, session);
  const body = h('div.dashboard', { id: 'dashboard' });
  const refresh = h('button.secondary', { type: 'button', id: 'dashboard-refresh' }, t('refresh'));
  refresh.addEventListener('click', () => load());
  const period = h('select', { id: 'dashboard-period', 'aria-label': t('period') },
    PERIODS.map((p) => h('option', { value: p.key, selected: p.key === 'days30' }, t(p.key))));
  period.addEventListener('change', () => load());
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navDashboard')), h('label', { for: 'dashboard-period' }, t('period')), period, refresh), body);

  async function load() {
    const safe = (p) => p.catch(() => null);
    const range = periodQuery(PERIODS.find((p) => p.key === period.value));
    const [deals, funnel, activity, sources, appeals] = await Promise.all([
      safe(get(`/api/analytics/deals${query(range)}`)),
      safe(pipelineId ? get(`/api/analytics/funnel${query({ ...range, pipelineId, granularity: undefined })}`) : Promise.reject(new Error('no pipeline'))),
      safe(get(`/api/analytics/activity${query({ ...range, granularity: undefined })}`)),
      safe(get(`/api/analytics/sources${query({ ...range, granularity: undefined })}`)),
      safe(get(`/api/analytics/appeals${query({ ...range, granularity: undefined })}`)),
    ]);
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
        chart('chart-activity', t('dashActivity'), aggregate((activity && activity.rows) || [], (r) => r.userId, (r) => r.calls)),
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

/** Periods ending today: the days counted in the browser's time zone, won/lost split by day, week or month. */
const PERIODS = [
  { key: 'days7', days: 7, granularity: 'day' },
  { key: 'days30', days: 30, granularity: 'week' },
  { key: 'days90', days: 90, granularity: 'month' },
];

function periodQuery(p) {
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const to = new Date();
  const from = new Date(to.getTime() - (p.days - 1) * 86400000);
  return { from: iso(from), to: iso(to), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, granularity: p.granularity };
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
