// Administration: the tenant's configuration (pipelines and stages, custom fields, automation rules, teams,
// document templates, webhooks, loss reasons and document details, appeal topics), each created, edited and deleted as far as the owning service's API allows.
// Every edit is a form that stays open until the service accepts it, its validation problems next to the fields;
// pipelines, templates and teams are replaced with If-Match (a stale version is shown, not overwritten).
import { get, post, put, request, version } from '../api.js';
import { h, clear, toast } from '../dom.js';
import { formDialog } from '../form.js';
import { t } from '../i18n.js';

const FIELD_TYPES = ['TEXT', 'NUMBER', 'DATE', 'BOOLEAN', 'ENUM', 'MULTI_ENUM', 'PHONE', 'EMAIL', 'URL'];
const TRIGGERS = ['DealCreated', 'DealStageChanged', 'DealWon', 'DealLost', 'LeadReceived', 'CallEnded', 'InteractionLogged'];
const DOC_KINDS = ['INVOICE', 'CONTRACT', 'QUOTE'];
const opts = (values) => values.map((v) => ({ value: v, label: v }));
const enc = encodeURIComponent;

export async function adminView(main) {
  const body = h('div.admin', { id: 'admin' });
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navAdmin'))), body);

  async function load() {
    const safe = (p) => p.catch(() => []);
    const [settings, topics, pipelines, fields, rules, teams, templates, webhooks] = await Promise.all([
      request('/api/deal-settings').catch(() => ({ data: { lossReasons: [] } })),
      safe(get('/api/contacts/appeal-topics')),
      safe(get('/api/pipelines')),
      safe(get('/api/contacts/custom-fields')),
      safe(get('/api/automation-rules')),
      safe(get('/api/teams')),
      safe(get('/api/document-templates')),
      safe(get('/api/webhooks')),
    ]);
    clear(body,
      section('admin-pipelines', t('adminPipelines'), [t('name'), t('department'), t('stages')], list(pipelines).map((p) => ({
        key: p.id,
        cells: [p.name, p.departmentId, (p.stages || []).map((s) => `${s.name} (${s.probability ?? 0} %)`).join(' → ')],
        edit: () => editPipeline(p),
      })), () => editPipeline(null)),
      section('admin-fields', t('adminFields'), [t('key'), t('label'), t('type'), t('required')], list(fields).map((f) => ({
        key: f.key,
        cells: [f.key, f.label, f.type, f.required ? '✓' : ''],
        edit: () => editField(f),
        remove: () => request(`/api/contacts/custom-fields/${enc(f.key)}`, { method: 'DELETE' }),
      })), () => editField(null)),
      section('admin-rules', t('adminRules'), [t('name'), t('trigger'), t('enabled')], list(rules).map((r) => ({
        key: r.id,
        cells: [r.name, r.trigger, r.enabled ? '✓' : '—'],
        edit: () => editRule(r),
        remove: () => request(`/api/automation-rules/${enc(r.id)}`, { method: 'DELETE' }),
      })), () => editRule(null)),
      section('admin-teams', t('adminTeams'), [t('name'), t('heads'), t('members')], list(teams).map((team) => ({
        key: team.id,
        cells: [team.name || team.id, (team.headUserIds || []).join(', '), (team.members || []).map((m) => m.name || m.userId).join(', ')],
        edit: () => editTeam(team),
      })), () => editTeam(null)),
      section('admin-templates', t('adminTemplates'), [t('name'), t('type')], list(templates).map((tp) => ({
        key: tp.id,
        cells: [tp.name, tp.kind],
        edit: () => editTemplate(tp),
      })), () => editTemplate(null)),
      section('admin-webhooks', t('adminWebhooks'), [t('url'), t('events'), t('enabled')], list(webhooks).map((w) => ({
        key: w.id,
        cells: [w.url, (w.eventTypes || []).join(', '), w.enabled ? '✓' : `— ${w.disabledReason || ''}`],
        extra: w.enabled ? null : { label: t('enable'), run: () => post(`/api/webhooks/${enc(w.id)}/enable`) },
        remove: () => request(`/api/webhooks/${enc(w.id)}`, { method: 'DELETE' }),
      })), () => editWebhook()),
      section('admin-deal-settings', t('adminDealSettings'), [t('lossReasons'), t('companyName'), t('paymentDetails')], [{
        key: 'settings',
        cells: [(settings.data.lossReasons || []).map((r) => r.name || r.key).join(', '), settings.data.companyName, settings.data.paymentDetails],
        edit: () => editSettings(settings.data, settings.etag),
      }], null),
      section('admin-topics', t('appealTopics'), [t('key'), t('label'), t('active')], list(topics).map((topic) => ({
        key: topic.key,
        cells: [topic.key, topic.label, topic.active ? '✓' : '—'],
        edit: () => editTopic(topic),
        remove: () => request(`/api/contacts/appeal-topics/${enc(topic.key)}`, { method: 'DELETE' }),
      })), () => editTopic(null)));
  }

  /** Loss reasons (what a LOST move must name), and the company name and payment details printed on documents. */
  function editSettings(current, etag) {
    return formDialog({
      id: 'settings-form',
      wide: true,
      title: t('adminDealSettings'),
      fields: [
        { name: 'lossReasons', label: t('lossReasons'), type: 'json', rows: 8, required: true, value: current.lossReasons, help: '[{"key": "price", "name": "Price too high"}]' },
        { name: 'companyName', label: t('companyName'), value: current.companyName },
        { name: 'paymentDetails', label: t('paymentDetails'), type: 'textarea', value: current.paymentDetails },
      ],
      submit: (v) => put('/api/deal-settings', v, etag ? { ifMatch: etag } : {}),
    });
  }

  function editTopic(topic) {
    return formDialog({
      id: 'topic-form',
      title: topic ? `${t('edit')}: ${topic.key}` : t('appealTopics'),
      fields: [
        { name: 'key', label: t('key'), required: true, value: topic && topic.key, readonly: Boolean(topic) },
        { name: 'label', label: t('label'), required: true, value: topic && topic.label },
      ],
      submit: (v) => put(`/api/contacts/appeal-topics/${enc(v.key)}`, { label: v.label }),
    });
  }

  /** One table per kind of configuration, with "+ New" and, per row, edit / delete where the API has them. */
  function section(id, title, headers, rows, create) {
    const add = create ? h('button.secondary', { type: 'button', id: `${id}-new` }, '+ ', t('new')) : null;
    if (add) add.addEventListener('click', () => run(create));
    const hasActions = rows.some((r) => r.edit || r.remove || r.extra);
    return h('section.panel', { id, 'aria-label': title },
      h('div.section-head', {}, h('h2', {}, title), add),
      rows.length === 0 ? h('p.muted', {}, t('noData')) : h('table', {},
        h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)), hasActions ? h('th', { scope: 'col' }, h('span.sr-only', {}, t('actions'))) : null)),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { key: r.key } },
          r.cells.map((c) => h('td', {}, c ?? '')),
          hasActions ? h('td.row-actions', {},
            r.edit ? button('button.link.edit', `${t('edit')}: ${r.cells[0]}`, t('edit'), () => run(r.edit)) : null,
            r.extra ? button('button.link.extra', `${r.extra.label}: ${r.cells[0]}`, r.extra.label, () => run(r.extra.run)) : null,
            r.remove ? button('button.link.delete', `${t('delete')}: ${r.cells[0]}`, t('delete'), () => removeRow(r)) : null) : null)))));
  }

  function button(spec, label, text, onClick) {
    const b = h(spec, { type: 'button', 'aria-label': label }, text);
    b.addEventListener('click', onClick);
    return b;
  }

  async function run(action) {
    try {
      const done = await action();
      if (done !== null) await load();
    } catch (e) {
      toast(t('failed', { message: e.message }), 'error');
    }
  }

  async function removeRow(row) {
    if (!window.confirm(t('confirmDelete', { name: row.cells[0] }))) return;
    await run(async () => {
      await row.remove();
      toast(t('deleted'));
    });
  }

  function editPipeline(p) {
    return formDialog({
      id: 'pipeline-form',
      wide: true,
      title: p ? `${t('edit')}: ${p.name}` : t('adminPipelines'),
      fields: [
        { name: 'name', label: t('name'), required: true, value: p && p.name },
        { name: 'departmentId', label: t('department'), value: p && p.departmentId },
        { name: 'defaultForDepartment', label: t('defaultForDepartment'), type: 'checkbox', value: p && p.defaultForDepartment },
        {
          name: 'stages', label: t('stages'), type: 'json', rows: 12, required: true, help: t('stagesHelp'),
          value: p ? p.stages.map(stageRequest) : [
            { key: 'new', name: 'New', probability: 10, kind: 'OPEN' },
            { key: 'won', name: 'Won', probability: 100, kind: 'WON' },
            { key: 'lost', name: 'Lost', probability: 0, kind: 'LOST' }],
        },
        { name: 'stageMoves', label: t('stageMoves'), type: 'json', rows: 2, help: t('stageMovesHelp') },
      ],
      submit: (v) => (p
        ? put(`/api/pipelines/${enc(p.id)}`, v, { ifMatch: version(p.version) })
        : post('/api/pipelines', v)),
    });
  }

  function editField(f) {
    return formDialog({
      id: 'field-form',
      title: f ? `${t('edit')}: ${f.key}` : t('adminFields'),
      fields: [
        { name: 'key', label: t('key'), required: true, value: f && f.key, readonly: Boolean(f), help: f ? null : t('keyHelp') },
        { name: 'label', label: t('label'), required: true, value: f && f.label },
        { name: 'type', label: t('type'), type: 'select', options: opts(FIELD_TYPES), value: f ? f.type : 'TEXT' },
        { name: 'required', label: t('required'), type: 'checkbox', value: f && f.required },
        { name: 'options', label: t('options'), type: 'list', value: f && f.options, help: t('optionsHelp') },
      ],
      submit: (v) => {
        if (!['ENUM', 'MULTI_ENUM'].includes(v.type) && v.options.length === 0) delete v.options;
        return f ? put(`/api/contacts/custom-fields/${enc(f.key)}`, v) : post('/api/contacts/custom-fields', v);
      },
    });
  }

  function editRule(r) {
    return formDialog({
      id: 'rule-form',
      wide: true,
      title: r ? `${t('edit')}: ${r.name}` : t('adminRules'),
      fields: [
        { name: 'name', label: t('name'), required: true, value: r && r.name },
        { name: 'enabled', label: t('enabled'), type: 'checkbox', value: r ? r.enabled : true },
        { name: 'trigger', label: t('trigger'), type: 'select', options: opts(TRIGGERS), value: r ? r.trigger : 'DealStageChanged' },
        { name: 'conditions', label: t('conditions'), type: 'json', rows: 4, value: r ? compact(r.conditions) : { pipelineId: '', toStage: '' } },
        {
          name: 'createTask', label: t('createTask'), type: 'json', rows: 8, help: t('createTaskHelp'),
          value: r ? compact(r.createTask) : { titleTemplate: '', type: 'CALL', priority: 'NORMAL', assignee: { mode: 'DEAL_OWNER' }, dueIn: 'PT2H' },
        },
        { name: 'notifyPeople', label: t('notifyPeople'), type: 'json', rows: 4, value: r ? compact(r.notifyPeople) : undefined },
      ],
      submit: (v) => (r ? put(`/api/automation-rules/${enc(r.id)}`, v) : post('/api/automation-rules', v)),
    });
  }

  function editTeam(team) {
    return formDialog({
      id: 'team-form',
      wide: true,
      title: team ? `${t('edit')}: ${team.name || team.id}` : t('adminTeams'),
      fields: [
        { name: 'id', label: t('department'), required: true, value: team && team.id, readonly: Boolean(team) },
        { name: 'name', label: t('name'), required: true, value: team && team.name },
        { name: 'active', label: t('active'), type: 'checkbox', value: team ? team.active : true },
        { name: 'headUserIds', label: t('heads'), type: 'list', value: team ? team.headUserIds : [] },
        { name: 'members', label: t('members'), type: 'json', rows: 10, value: team ? team.members : [], help: t('membersHelp') },
        { name: 'timeZone', label: t('timeZone'), value: team ? team.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone },
        { name: 'reassignmentDelay', label: t('reassignmentDelay'), value: team && team.reassignmentDelay, help: 'PT30M' },
      ],
      submit: (v) => {
        const { id, ...rest } = v;
        if (team) {
          rest.workingHours = team.workingHours || undefined;
          rest.holidays = team.holidays || undefined;
        }
        return put(`/api/teams/${enc(id)}`, rest, team ? { ifMatch: version(team.version) } : {});
      },
    });
  }

  function editTemplate(tp) {
    return formDialog({
      id: 'template-form',
      wide: true,
      title: tp ? `${t('edit')}: ${tp.name}` : t('adminTemplates'),
      fields: [
        { name: 'name', label: t('name'), required: true, value: tp && tp.name },
        { name: 'kind', label: t('type'), type: 'select', options: opts(DOC_KINDS), value: tp ? tp.kind : 'INVOICE' },
        { name: 'html', label: 'HTML', type: 'textarea', rows: 14, required: true, value: tp && tp.html, help: t('templateHelp') },
      ],
      submit: (v) => (tp
        ? put(`/api/document-templates/${enc(tp.id)}`, v, { ifMatch: version(tp.version) })
        : post('/api/document-templates', v)),
    });
  }

  async function editWebhook() {
    const created = await formDialog({
      id: 'webhook-form',
      title: t('adminWebhooks'),
      fields: [
        { name: 'url', label: t('url'), type: 'url', required: true },
        { name: 'eventTypes', label: t('events'), type: 'list', required: true, help: 'DealWon, TaskCreated' },
        { name: 'secret', label: t('secret'), help: t('secretHelp') },
      ],
      submit: (v) => post('/api/webhooks', v),
    });
    if (created && created.secret) window.prompt(t('secretOnce'), created.secret);
    return created;
  }

  await load();
}

/** A stage as the pipeline request takes it (the view may carry more). */
function stageRequest(s) {
  return compact({ key: s.key, name: s.name, probability: s.probability, kind: s.kind, slaHours: s.slaHours, idleAfterDays: s.idleAfterDays, templateId: s.templateId });
}

function compact(value) {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(compact);
  if (typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = compact(v);
  return out;
}

function list(value) {
  if (Array.isArray(value)) return value;
  if (value && Array.isArray(value.items)) return value.items;
  return [];
}
