// Administration: the tenant's configuration at a glance (pipelines and stages, custom fields, automation rules,
// teams, document templates, webhooks) and adding a custom field. Other edits go through the API for now.
import { get, post } from '../api.js';
import { h, clear, toast, dialog } from '../dom.js';
import { t } from '../i18n.js';

export async function adminView(main) {
  const body = h('div.admin', { id: 'admin' });
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navAdmin'))), body);

  async function load() {
    const safe = (p) => p.catch(() => []);
    const [pipelines, fields, rules, teams, templates, webhooks] = await Promise.all([
      safe(get('/api/pipelines')),
      safe(get('/api/contacts/custom-fields')),
      safe(get('/api/automation-rules')),
      safe(get('/api/teams')),
      safe(get('/api/document-templates')),
      safe(get('/api/webhooks')),
    ]);
    const addField = h('button.secondary', { type: 'button', id: 'add-field' }, '+ ', t('adminFields'));
    addField.addEventListener('click', async () => {
      const answer = await dialog(t('adminFields'), [
        { name: 'key', label: t('key'), required: true },
        { name: 'label', label: t('label'), required: true },
        { name: 'type', label: t('type'), options: ['STRING', 'NUMBER', 'DATE', 'BOOLEAN'].map((v) => ({ value: v, label: v })) },
      ], t('save'), t('cancel'));
      if (!answer) return;
      try {
        await post('/api/contacts/custom-fields', answer);
        await load();
      } catch (e) {
        toast(t('failed', { message: e.message }), 'error');
      }
    });
    clear(body,
      section('admin-pipelines', t('adminPipelines'), [t('name'), t('navBoard')], list(pipelines).map((p) =>
        [p.name, (p.stages || []).map((s) => `${s.name} (${s.probability ?? 0} %)`).join(' → ')])),
      section('admin-fields', t('adminFields'), [t('key'), t('label'), t('type')], list(fields).map((f) => [f.key, f.label, f.type]), addField),
      section('admin-rules', t('adminRules'), [t('name'), t('trigger'), t('enabled')], list(rules).map((r) => [r.name, r.trigger, r.enabled ? '✓' : '—'])),
      section('admin-teams', t('adminTeams'), [t('name'), t('heads'), t('members')], list(teams).map((team) =>
        [team.name || team.id, (team.headUserIds || []).join(', '), (team.members || []).map((m) => m.userId).join(', ')])),
      section('admin-templates', t('adminTemplates'), [t('name'), t('type')], list(templates).map((tp) => [tp.name, tp.kind])),
      section('admin-webhooks', t('adminWebhooks'), [t('url'), t('events'), t('enabled')], list(webhooks).map((w) =>
        [w.url, (w.eventTypes || []).join(', '), w.enabled ? '✓' : '—'])));
  }

  await load();
}

function list(value) {
  if (Array.isArray(value)) return value;
  if (value && Array.isArray(value.items)) return value.items;
  return [];
}

function section(id, title, headers, rows, action) {
  return h('section.panel', { id, 'aria-label': title },
    h('div.section-head', {}, h('h2', {}, title), action),
    rows.length === 0 ? h('p.muted', {}, t('noData')) : h('table', {},
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? '')))))));
}
