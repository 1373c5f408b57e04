// The client card: fields and custom fields, the timeline, open deals (with their documents) and open tasks, and
// "log an interaction", after which the card offers exactly the two ways forward: a next step, or closing the deal.
import { get, post, put, request, version, query, ApiError, lossReasonOptions, peopleNames, nameOf } from '../api.js';
import { h, clear, toast, dialog, money, dateTime } from '../dom.js';
import { formDialog } from '../form.js';
import { t } from '../i18n.js';
import { editCard, mergeInto } from './card-edit.js';

export const TASK_TYPES = ['CALL', 'MEETING', 'EMAIL', 'VISIT'];

export async function contactView(main, { params }) {
  const id = params[0];
  let contact = await get(`/api/contacts/${encodeURIComponent(id)}`);
  if (contact.id !== id) {
    // a merged card answers with its survivor (308): show the survivor under its own address
    location.replace(`#/contact/${encodeURIComponent(contact.id)}`);
    return null;
  }
  const fieldDefs = await get('/api/contacts/custom-fields').catch(() => []);
  const root = h('div.contact-card', { id: 'contact-card', dataset: { contact: contact.id } });
  clear(main, root);

  const pipelines = await get('/api/pipelines').catch(() => []);
  const templates = await get('/api/document-templates').catch(() => []);
  const names = await peopleNames();

  async function render() {
    contact = await get(`/api/contacts/${encodeURIComponent(id)}`);
    const [timeline, dealsPage, tasksPage] = await Promise.all([
      get(`/api/contacts/${encodeURIComponent(id)}/timeline?size=50`),
      get(`/api/deals${query({ contactId: id, size: 50 })}`),
      get(`/api/tasks${query({ contactId: id, status: 'OPEN', size: 50 })}`),
    ]);
    const openDeals = dealsPage.items.filter((d) => !d.stageKind || d.stageKind === 'OPEN');
    // tasks made by rules name the deal; collect those too
    const tasks = new Map(tasksPage.items.map((task) => [task.id, task]));
    for (const deal of dealsPage.items) {
      const page = await get(`/api/tasks${query({ dealId: deal.id, status: 'OPEN', size: 50 })}`).catch(() => ({ items: [] }));
      page.items.forEach((task) => tasks.set(task.id, task));
    }
    const documents = [];
    for (const deal of dealsPage.items) {
      const docs = await get(`/api/deals/${encodeURIComponent(deal.id)}/documents`).catch(() => []);
      docs.forEach((doc) => documents.push({ deal, doc }));
    }
    const edit = h('button.secondary', { type: 'button', id: 'edit-card' }, t('edit'));
    edit.addEventListener('click', async () => {
      if (await editCard(contact, fieldDefs)) {
        toast(t('saved'));
        await render();
      }
    });
    const merge = h('button.secondary', { type: 'button', id: 'merge-card' }, t('mergeDuplicate'));
    merge.addEventListener('click', async () => {
      const survivor = await mergeInto(contact);
      if (!survivor) return;
      toast(t('merged'));
      if (survivor.id !== id) location.hash = `#/contact/${encodeURIComponent(survivor.id)}`;
      else await render();
    });
    const newDeal = h('button.secondary', { type: 'button', id: 'new-deal' }, '+ ', t('newDeal'));
    newDeal.addEventListener('click', () => createDeal());
    clear(root,
      h('div.card-head', {},
        h('h1', { id: 'contact-name' }, contact.displayName || contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ')),
        h('span.muted', {}, contact.kind),
        h('div.card-actions', {}, edit, merge, newDeal)),
      h('div.card-grid', {},
        h('section.panel.fields', { 'aria-label': t('client') },
          h('dl', {},
            field(t('phones'), (contact.phones || []).map((p) => p.number).join(', ')),
            field(t('emails'), (contact.emails || []).join(', ')),
            field(t('city'), contact.city),
            field(t('address'), contact.address),
            field(t('source'), contact.source),
            field(t('owner'), nameOf(names, contact.ownerId)),
            field(t('tags'), (contact.tags || []).join(', ')),
            field(t('notes'), contact.notes),
            (contact.mergedIds || []).length ? field(t('mergedFrom'), contact.mergedIds.join(', ')) : null,
            Object.entries(contact.customFields || {}).map(([key, value]) => {
              const def = fieldDefs.find((f) => f.key === key);
              return field(def ? def.label : key, Array.isArray(value) ? value.join(', ') : String(value));
            }))),
        h('section.panel.deals', { id: 'contact-deals', 'aria-label': t('openDeals') },
          h('h2', {}, t('openDeals')),
          openDeals.length === 0 ? h('p.muted', {}, t('none')) : h('ul.deal-list', {}, openDeals.map((d) => dealItem(d))),
          h('h2', {}, t('documents')),
          documents.length === 0 ? h('p.muted', {}, t('none')) : h('ul', { id: 'contact-documents' }, documents.map(({ deal, doc }) =>
            h('li', { dataset: { kind: doc.kind } }, `${doc.kind} · ${doc.fileName} · ${dateTime(doc.createdAt)} `,
              h('a.document-link', { href: `/api/deals/${encodeURIComponent(deal.id)}/documents/${encodeURIComponent(doc.id)}`, target: '_blank', rel: 'noopener' }, t('openDocument')))))),
        h('section.panel.tasks', { id: 'contact-tasks', 'aria-label': t('openTasks') },
          h('h2', {}, t('openTasks')),
          tasks.size === 0 ? h('p.muted', {}, t('none')) : h('ul', {}, [...tasks.values()].map((task) =>
            h(`li${task.overdue ? '.overdue' : ''}`, { dataset: { task: task.id } }, h('strong', {}, task.title), ' · ', nameOf(names, task.assigneeId), ' · ', dateTime(task.dueAt))))),
        h('section.panel.log', { 'aria-label': t('logInteraction') }, logForm(openDeals)),
        h('section.panel.timeline', { id: 'contact-timeline', 'aria-label': t('timeline') },
          h('h2', {}, t('timeline')),
          (timeline.items || []).length === 0 ? h('p.muted', {}, t('none')) : h('ol.timeline', {}, timeline.items.map((item) =>
            h('li', { dataset: { kind: item.kind, type: item.type || '' } },
              h('span.when', {}, dateTime(item.at)), ' ',
              h('span.what', {}, [item.type || item.kind, item.summary, item.outcome].filter(Boolean).join(' · ')))))))
    );
  }

  function dealItem(d) {
    const items = h('button.link.edit-items', { type: 'button', 'aria-label': `${t('lineItems')}: ${d.title}` }, t('lineItems'));
    items.addEventListener('click', () => editItems(d));
    const invoice = h('button.link.generate-document', { type: 'button', 'aria-label': `${t('generateDocument')}: ${d.title}` }, t('generateDocument'));
    invoice.addEventListener('click', () => generateDocument(d));
    return h('li', { dataset: { deal: d.id } },
      h('strong', {}, d.title), ' — ', d.stageName || d.stage, ' ',
      h('span.deal-amount', {}, money(d.totals && d.totals.total ? d.totals.total : d.amount && d.amount.amount, d.totals && d.totals.total ? d.totals.currency : d.amount && d.amount.currency)),
      (d.items || []).length ? h('span.muted', {}, ` · ${d.items.length} ${t('positions')}`) : null,
      h('div.deal-actions', {}, items, ' ', invoice));
  }

  /** A deal by hand for this client: the department's default pipeline unless another is chosen. */
  async function createDeal() {
    const deal = await formDialog({
      id: 'deal-form',
      title: t('newDeal'),
      fields: [
        { name: 'title', label: t('title'), required: true },
        { name: 'pipelineId', label: t('pipeline'), type: 'select', options: pipelines.map((p) => ({ value: p.id, label: p.name })),
          value: (pipelines.find((p) => p.defaultForDepartment && p.departmentId === contact.departmentId) || pipelines[0] || {}).id },
        { name: 'amount', label: t('amount'), type: 'number', step: '0.01' },
        { name: 'currency', label: t('currency'), value: 'EUR' },
        { name: 'expectedCloseDate', label: t('expectedClose'), type: 'date' },
      ],
      submit: (v) => post('/api/deals', {
        title: v.title,
        contactId: id,
        pipelineId: v.pipelineId,
        amount: v.amount === undefined ? undefined : { amount: String(v.amount), currency: v.currency },
        expectedCloseDate: v.expectedCloseDate,
      }),
    });
    if (!deal) return;
    toast(t('dealCreated'));
    await render();
  }

  /** The line items of a deal; the deal's amount becomes their total (deals-service), sent with If-Match. */
  async function editItems(d) {
    const { data: fresh, etag } = await request(`/api/deals/${encodeURIComponent(d.id)}`);
    const saved = await formDialog({
      id: 'items-form',
      wide: true,
      title: `${t('lineItems')}: ${fresh.title}`,
      fields: [
        { name: 'currency', label: t('currency'), required: true, value: (fresh.totals && fresh.totals.currency) || (fresh.amount && fresh.amount.currency) || 'EUR' },
        {
          name: 'items', label: t('lineItems'), type: 'rows', addLabel: t('addItem'), value: fresh.items,
          columns: [
            { name: 'name', label: t('name'), size: 22 },
            { name: 'quantity', label: t('quantity'), type: 'number', step: 'any', value: 1, size: 4 },
            { name: 'unit', label: t('unit'), value: 'pcs', size: 4 },
            { name: 'unitPrice', label: t('unitPrice'), type: 'number', step: '0.01', size: 7 },
            { name: 'discountPercent', label: t('discount'), type: 'number', step: 'any', size: 4 },
            { name: 'taxPercent', label: t('tax'), type: 'number', step: 'any', size: 4 },
          ],
        },
      ],
      submit: (v) => put(`/api/deals/${encodeURIComponent(d.id)}/items`, v, { ifMatch: etag || version(fresh.version) }),
    });
    if (!saved) return;
    toast(t('saved'));
    await render();
  }

  /** Renders a document of the deal from one of the tenant's templates (an invoice by default). */
  async function generateDocument(d) {
    const doc = await formDialog({
      id: 'document-form',
      title: `${t('generateDocument')}: ${d.title}`,
      fields: [{ name: 'templateId', label: t('template'), type: 'select', required: true,
        options: templates.map((tp) => ({ value: tp.id, label: `${tp.name} (${tp.kind})` })),
        value: (templates.find((tp) => tp.kind === 'INVOICE') || templates[0] || {}).id }],
      submit: (v) => post(`/api/deals/${encodeURIComponent(d.id)}/documents`, v),
    });
    if (!doc) return;
    toast(t('documentReady'));
    await render();
  }

  function logForm(openDeals) {
    const typeSelect = h('select', { id: 'log-type', name: 'type' }, ['CALL', 'EMAIL', 'MEETING', 'MESSAGE', 'NOTE'].map((v) => h('option', { value: v }, v)));
    const direction = h('select', { id: 'log-direction', name: 'direction' },
      h('option', { value: 'OUTBOUND' }, t('outbound')), h('option', { value: 'INBOUND' }, t('inbound')));
    const summary = h('textarea', { id: 'log-summary', name: 'summary', rows: 2 });
    const outcome = h('input', { id: 'log-outcome', name: 'outcome' });
    const deal = h('select', { id: 'log-deal', name: 'dealId' }, h('option', { value: '' }, t('none')),
      openDeals.map((d, i) => h('option', { value: d.id, selected: i === 0 }, d.title)));
    const after = h('div.next-or-close', { id: 'next-or-close', hidden: true });
    const form = h('form', { id: 'log-form' },
      h('h2', {}, t('logInteraction')),
      h('label', { for: 'log-type' }, t('type')), typeSelect,
      h('label', { for: 'log-direction' }, t('direction')), direction,
      h('label', { for: 'log-summary' }, t('summary')), summary,
      h('label', { for: 'log-outcome' }, t('outcome')), outcome,
      h('label', { for: 'log-deal' }, t('deal')), deal,
      h('div.actions', {}, h('button', { type: 'submit', id: 'log-submit' }, t('save'))),
      after);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { type: typeSelect.value, summary: summary.value || undefined, outcome: outcome.value || undefined, dealId: deal.value || undefined };
      if (['CALL', 'EMAIL', 'MESSAGE'].includes(body.type)) body.direction = direction.value;
      try {
        await post(`/api/contacts/${encodeURIComponent(id)}/interactions`, body);
        toast(t('logged'));
        const chosen = openDeals.find((d) => d.id === deal.value);
        await render();
        showNextOrClose(chosen);
      } catch (err) {
        toast(t('failed', { message: err.message }), 'error');
      }
    });
    return form;
  }

  /** The product's rule: after a contact, a next step or a close. */
  function showNextOrClose(deal) {
    const box = document.getElementById('next-or-close');
    if (!box) return;
    const next = h('button', { type: 'button', id: 'set-next-step' }, t('setNextStep'));
    const won = h('button.secondary', { type: 'button', id: 'close-won', disabled: !deal }, t('closeWon'));
    const lost = h('button.secondary', { type: 'button', id: 'close-lost', disabled: !deal }, t('closeLost'));
    clear(box, h('p', { role: 'status' }, t('nextStepOrClose')), next, won, lost);
    box.hidden = false;
    next.addEventListener('click', async () => {
      const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
      const answer = await dialog(t('setNextStep'), [
        { name: 'title', label: t('title'), required: true },
        { name: 'type', label: t('type'), options: TASK_TYPES.map((v) => ({ value: v, label: v })) },
        { name: 'dueAt', label: t('dueAt'), type: 'datetime-local', required: true, value: localInput(tomorrow) },
      ], t('save'), t('cancel'));
      if (!answer) return;
      try {
        await post('/api/tasks', {
          title: answer.title, type: answer.type, dueAt: new Date(answer.dueAt).toISOString(),
          dealId: deal ? deal.id : undefined, contactId: id,
        });
        toast(t('nextStepSet'));
        box.hidden = true;
        await render();
      } catch (err) {
        toast(t('failed', { message: err.message }), 'error');
      }
    });
    const close = async (outcome) => {
      const body = { outcome };
      if (outcome === 'LOST') {
        const answer = await dialog(t('lostReason'), [{ name: 'lossReason', label: t('reason'), required: true, options: await lossReasonOptions() }], t('save'), t('cancel'));
        if (!answer) return;
        body.lossReason = answer.lossReason;
      }
      try {
        await request(`/api/deals/${encodeURIComponent(deal.id)}/close`, { method: 'POST', body, ifMatch: version(deal.version) });
        toast(t('dealClosed'));
        box.hidden = true;
        await render();
      } catch (err) {
        toast(err instanceof ApiError && err.status === 412 ? t('staleConflict') : t('failed', { message: err.message }), 'error');
        await render();
      }
    };
    won.addEventListener('click', () => close('WON'));
    lost.addEventListener('click', () => close('LOST'));
  }

  await render();
  return null;
}

function field(label, value) {
  if (value === undefined || value === null || value === '') return null;
  return [h('dt', {}, label), h('dd', {}, value)];
}

export function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
