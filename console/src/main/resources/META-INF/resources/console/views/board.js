// The pipeline board: a column per stage with count, sum and weighted sum; cards dragged with the pointer (mouse,
// pen or touch) or moved with the keyboard through each card's "Move to" list. A LOST drop asks for the reason;
// a 412 (someone else changed the deal) is shown and the board reloads.
import { get, request, version, query, ApiError, lossReasonOptions, peopleNames, nameOf } from '../api.js';
import { h, clear, toast, dialog, money } from '../dom.js';
import { t } from '../i18n.js';
import { newClient } from './new-client.js';

const MAX_DEALS = 1000;

export async function boardView(main, { session }) {
  const pipelines = await get('/api/pipelines');
  const state = {
    pipelineId: chosenPipeline(pipelines, session),
    owner: localStorage.getItem('crm.board.owner') || '',
  };
  const pipelineSelect = h('select', { id: 'board-pipeline', 'aria-label': t('pipeline') },
    pipelines.map((p) => h('option', { value: p.id, selected: p.id === state.pipelineId }, p.name)));
  // the owner filter: everyone, me, and the colleagues of the user's teams (when the user may read the teams)
  const teams = await get('/api/teams').catch(() => []);
  const names = await peopleNames();
  const colleagues = new Map();
  for (const team of Array.isArray(teams) ? teams : []) {
    if (!session.departments.includes(team.id)) continue;
    for (const member of team.members || []) {
      if (member.userId !== session.user) colleagues.set(member.userId, member.name || member.userId);
    }
  }
  if (state.owner && state.owner !== session.user && !colleagues.has(state.owner)) state.owner = '';
  const ownerSelect = h('select', { id: 'board-owner', 'aria-label': t('owner') },
    h('option', { value: '' }, t('everyone')),
    h('option', { value: session.user, selected: state.owner === session.user }, t('mine')),
    [...colleagues].map(([id, name]) => h('option', { value: id, selected: state.owner === id }, name)));
  const columns = h('div.board', { id: 'board', role: 'list' });
  const warningBox = h('div', { id: 'new-client-warning' });
  const addClient = h('button.secondary', { type: 'button', id: 'new-client' }, '+ ', t('newClient'));
  addClient.addEventListener('click', () => newClient(warningBox));
  clear(main,
    h('div.toolbar', {},
      h('h1', {}, t('navBoard')),
      h('label', { for: 'board-pipeline' }, t('pipeline')), pipelineSelect,
      h('label', { for: 'board-owner' }, t('owner')), ownerSelect,
      addClient),
    warningBox,
    columns);
  pipelineSelect.addEventListener('change', () => {
    state.pipelineId = pipelineSelect.value;
    localStorage.setItem('crm.board.pipeline', state.pipelineId);
    load();
  });
  ownerSelect.addEventListener('change', () => {
    state.owner = ownerSelect.value;
    localStorage.setItem('crm.board.owner', state.owner);
    load();
  });

  let pipeline;
  let deals = [];

  let latest = 0;

  async function load() {
    // a live update may start a load while another runs: only the newest one renders
    const mine = ++latest;
    pipeline = pipelines.find((p) => p.id === state.pipelineId);
    if (!pipeline) {
      clear(columns, h('p.muted', {}, t('noDeals')));
      return;
    }
    const [board, list] = await Promise.all([get(`/api/pipelines/${pipeline.id}/board`), loadDeals()]);
    if (mine !== latest) return;
    deals = list;
    render(board);
  }

  async function loadDeals() {
    const all = [];
    let cursor;
    do {
      const page = await get(`/api/deals${query({ pipelineId: state.pipelineId, ownerId: state.owner, size: 100, cursor })}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && all.length < MAX_DEALS);
    return all;
  }

  function render(board) {
    const figures = new Map((board.stages || []).map((s) => [s.key, s]));
    clear(columns, pipeline.stages.map((stage) => {
      const inStage = deals.filter((d) => d.stage === stage.key);
      // the board endpoint's figures count every owner; a filtered board adds up what it shows
      const sums = state.owner ? sumsOf(inStage, stage.probability) : ((figures.get(stage.key) || {}).sums || []);
      const count = state.owner ? inStage.length : ((figures.get(stage.key) || {}).count ?? inStage.length);
      return h(`section.column.kind-${(stage.kind || 'open').toLowerCase()}`, {
        role: 'listitem', dataset: { stage: stage.key, kind: stage.kind || 'OPEN' }, 'aria-label': stage.name,
      },
      h('header.column-head', {},
        h('h2', {}, stage.name),
        h('div.figures', {},
          h('span.count', { title: t('count') }, String(count)),
          sums.length === 0 ? h('span.sum', {}, '—') : sums.map((s) =>
            h('span.sum', { title: `${t('sum')} / ${t('weighted')}` },
              money(s.amount, s.currency), ' · ', h('span.weighted', {}, money(s.weighted, s.currency)))))),
      h('div.cards', {}, inStage.length === 0 ? h('p.muted.empty', {}, t('noDeals')) : inStage.map((deal) => card(deal))));
    }));
  }

  function card(deal) {
    const amount = deal.totals && deal.totals.total ? { amount: deal.totals.total, currency: deal.totals.currency } : deal.amount;
    const move = h('select.move', { 'aria-label': `${t('moveTo')}: ${deal.title}` },
      pipeline.stages.map((s) => h('option', { value: s.key, selected: s.key === deal.stage }, s.name)));
    // the move waits for the button: arrow keys on a closed list change its value (and fire "change") one stage
    // at a time, which would move the deal through every stage on the way
    const go = h('button.secondary.move-go', { type: 'button', 'aria-label': `${t('move')}: ${deal.title}` }, t('move'));
    go.addEventListener('click', () => {
      if (move.value !== deal.stage) moveDeal(deal, move.value);
    });
    const el = h('article.card', { tabindex: '0', dataset: { deal: deal.id, title: deal.title }, 'aria-label': deal.title },
      h('a.card-title', { href: deal.contactId ? `#/contact/${encodeURIComponent(deal.contactId)}` : '#/board', title: t('openCard') }, deal.title),
      h('div.card-meta', {}, amount ? money(amount.amount, amount.currency) : '', h('span.owner', { title: deal.ownerId || '' }, nameOf(names, deal.ownerId))),
      h('div.move-row', {}, h('label.move-label', {}, t('moveTo'), move), go));
    draggable(el, deal);
    return el;
  }

  /** Pointer-driven drag (mouse, pen, touch): the card follows, the column under the pointer takes it. */
  function draggable(el, deal) {
    el.addEventListener('pointerdown', (down) => {
      if (down.button !== 0 || down.target.closest('select, a, label, button')) return;
      const startX = down.clientX;
      const startY = down.clientY;
      let ghost = null;
      let over = null;
      const moveHandler = (e) => {
        if (!ghost && Math.hypot(e.clientX - startX, e.clientY - startY) < 6) return;
        if (!ghost) {
          ghost = el.cloneNode(true);
          ghost.classList.add('ghost');
          ghost.style.width = `${el.offsetWidth}px`;
          document.body.append(ghost);
          el.classList.add('dragging');
        }
        ghost.style.left = `${e.clientX + 4}px`;
        ghost.style.top = `${e.clientY + 4}px`;
        ghost.hidden = true;
        const column = document.elementFromPoint(e.clientX, e.clientY)?.closest('.column');
        ghost.hidden = false;
        if (over !== column) {
          over?.classList.remove('drop-target');
          over = column;
          over?.classList.add('drop-target');
        }
      };
      const upHandler = () => {
        document.removeEventListener('pointermove', moveHandler);
        document.removeEventListener('pointerup', upHandler);
        if (!ghost) return;
        ghost.remove();
        el.classList.remove('dragging');
        over?.classList.remove('drop-target');
        if (over && over.dataset.stage !== deal.stage) moveDeal(deal, over.dataset.stage);
      };
      document.addEventListener('pointermove', moveHandler);
      document.addEventListener('pointerup', upHandler);
    });
  }

  async function moveDeal(deal, stageKey) {
    const stage = pipeline.stages.find((s) => s.key === stageKey);
    const body = { stage: stageKey };
    if (stage.kind === 'LOST') {
      const answer = await dialog(t('lostReason'), [
        { name: 'lossReason', label: t('reason'), required: true, options: await lossReasonOptions() },
        { name: 'comment', label: t('comment'), type: 'textarea' },
      ], t('save'), t('cancel'));
      if (!answer) {
        await load();
        return;
      }
      body.lossReason = answer.lossReason;
      if (answer.comment) body.comment = answer.comment;
    }
    try {
      await request(`/api/deals/${encodeURIComponent(deal.id)}/stage`, { method: 'POST', body, ifMatch: version(deal.version) });
      toast(t('moved', { stage: stage.name }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) toast(t('staleConflict'), 'error');
      else toast(t('failed', { message: e.message }), 'error');
    }
    await load();
  }

  await load();
  const refresh = (event) => {
    if (['DealWon', 'TaskCreated'].includes(event.detail.topic)) load();
  };
  window.addEventListener('crm:notification', refresh);
  return { dispose: () => window.removeEventListener('crm:notification', refresh) };
}

/** The pipeline last chosen on the board, else the default one of the user's departments, else the first. */
export function chosenPipeline(pipelines, session) {
  const saved = localStorage.getItem('crm.board.pipeline');
  if (pipelines.some((p) => p.id === saved)) return saved;
  const departmentDefault = pipelines.find((p) => p.defaultForDepartment && session.departments.includes(p.departmentId));
  return (departmentDefault || pipelines[0] || {}).id;
}

function sumsOf(deals, probability) {
  const byCurrency = new Map();
  for (const d of deals) {
    const m = d.totals && d.totals.total ? { amount: d.totals.total, currency: d.totals.currency } : d.amount;
    if (!m || m.amount === undefined || m.amount === null) continue;
    const s = byCurrency.get(m.currency) || { amount: 0, weighted: 0, currency: m.currency };
    s.amount += Number(m.amount);
    s.weighted += (Number(m.amount) * (probability || 0)) / 100;
    byCurrency.set(m.currency, s);
  }
  return [...byCurrency.values()];
}
