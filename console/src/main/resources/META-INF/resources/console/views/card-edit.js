// Editing a client card (JSON Merge Patch with If-Match: only what changed is sent) and merging two cards
// (contacts-service's merge: one card stays, the other becomes a pointer to it; the user sees, field by field,
// which value wins; phones, e-mails and tags of both are kept).
import { get, post, request, version, query, ApiError } from '../api.js';
import { h, clear } from '../dom.js';
import { formDialog } from '../form.js';
import { t } from '../i18n.js';

const enc = encodeURIComponent;

/** Resolves to the saved card, or null when cancelled. */
export function editCard(contact, fieldDefs) {
  const person = contact.kind !== 'COMPANY';
  const custom = fieldDefs.map((def) => customField(def, (contact.customFields || {})[def.key]));
  return formDialog({
    id: 'card-form',
    wide: true,
    title: `${t('edit')}: ${contact.displayName || contact.name || ''}`,
    fields: [
      ...(person
        ? [{ name: 'firstName', label: t('firstName'), value: contact.firstName }, { name: 'lastName', label: t('lastName'), value: contact.lastName }]
        : [{ name: 'name', label: t('name'), required: true, value: contact.name }]),
      { name: 'phones', label: t('phones'), type: 'list', value: (contact.phones || []).map((p) => p.number), help: t('commaSeparated') },
      { name: 'emails', label: t('emails'), type: 'list', value: contact.emails },
      { name: 'city', label: t('city'), value: contact.city },
      { name: 'address', label: t('address'), value: contact.address },
      { name: 'website', label: t('website'), type: 'url', value: contact.website },
      { name: 'source', label: t('source'), value: contact.source },
      { name: 'tags', label: t('tags'), type: 'list', value: contact.tags },
      { name: 'birthday', label: t('birthday'), type: 'date', value: contact.birthday },
      { name: 'notes', label: t('notes'), type: 'textarea', value: contact.notes },
      ...custom,
    ],
    submit: (v) => {
      const patch = {};
      for (const [name, value] of Object.entries(v)) {
        if (name.startsWith('customFields.')) continue;
        const before = name === 'phones' ? (contact.phones || []).map((p) => p.number) : contact[name];
        if (same(before, value)) continue;
        if (name === 'phones') {
          const types = new Map((contact.phones || []).map((p) => [p.number, p.type]));
          patch.phones = value.map((number) => ({ number, type: types.get(number) || 'MOBILE' }));
        } else {
          patch[name] = value === undefined ? null : value;
        }
      }
      const customPatch = {};
      for (const def of fieldDefs) {
        const value = typed(def, v[`customFields.${def.key}`]);
        if (!same((contact.customFields || {})[def.key], value)) customPatch[def.key] = value === undefined ? null : value;
      }
      if (Object.keys(customPatch).length) patch.customFields = customPatch;
      if (Object.keys(patch).length === 0) return Promise.resolve(contact);
      return request(`/api/contacts/${enc(contact.id)}`, {
        method: 'PATCH', body: patch, ifMatch: version(contact.version), headers: { 'Content-Type': 'application/merge-patch+json' },
      }).then((r) => r.data);
    },
  });
}

function customField(def, value) {
  const name = `customFields.${def.key}`;
  const label = def.label || def.key;
  switch (def.type) {
    case 'NUMBER': return { name, label, type: 'number', step: 'any', value, required: def.required };
    case 'DATE': return { name, label, type: 'date', value, required: def.required };
    case 'BOOLEAN': return { name, label, type: 'select', value: value === undefined ? '' : String(value), required: def.required,
      options: [{ value: '', label: '—' }, { value: 'true', label: t('yes') }, { value: 'false', label: t('no') }] };
    case 'ENUM': return { name, label, type: 'select', value, required: def.required,
      options: [{ value: '', label: '—' }, ...(def.options || []).map((o) => ({ value: o, label: o }))] };
    case 'MULTI_ENUM': return { name, label, type: 'list', value, required: def.required, help: (def.options || []).join(', ') };
    case 'EMAIL': return { name, label, type: 'email', value, required: def.required };
    case 'URL': return { name, label, type: 'url', value, required: def.required };
    case 'PHONE': return { name, label, type: 'tel', value, required: def.required };
    default: return { name, label, value, required: def.required };
  }
}

function typed(def, value) {
  if (value === undefined || value === '') return undefined;
  if (def.type === 'NUMBER') return Number(value);
  if (def.type === 'BOOLEAN') return value === 'true';
  if (def.type === 'MULTI_ENUM') return value.length ? value : undefined;
  return value;
}

function same(a, b) {
  const norm = (x) => (x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0) ? null : x);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** The fields a merge decides one way or the other (contacts-service's ContactMerger); lists are united. */
const LABELS = { ownerId: 'owner', departmentId: 'department', companyId: 'company' };
const CHOSEN = ['firstName', 'lastName', 'name', 'website', 'city', 'address', 'companyId', 'notes', 'ownerId', 'departmentId', 'source', 'birthday'];

/**
 * Finds the other card (by phone in any format, or by name), shows both side by side with a choice per differing
 * field and which card stays, then merges. Resolves to the surviving card, or null when cancelled.
 */
export function mergeInto(contact) {
  return new Promise((resolve) => {
    let result = null;
    const search = h('input', { id: 'merge-search', type: 'search', 'aria-describedby': 'merge-search-help' });
    const find = h('button', { type: 'submit', id: 'merge-find' }, t('find'));
    const found = h('ul.merge-found', { id: 'merge-found', 'aria-live': 'polite' });
    const compare = h('div.merge-compare', { id: 'merge-compare' });
    const error = h('div.form-error', { role: 'alert', hidden: true });
    const cancel = h('button.secondary', { type: 'button' }, t('cancel'));
    const actions = h('div.actions', {}, cancel);
    const searchForm = h('form.merge-search', {},
      h('label', { for: 'merge-search' }, t('mergeSearch')), h('span.help.muted', { id: 'merge-search-help' }, t('mergeSearchHelp')),
      h('div.lookup', {}, search, find));
    const dlg = h('dialog.modal.wide', { id: 'merge-dialog', 'aria-label': t('mergeDuplicate') },
      h('h2', {}, t('mergeDuplicate')), searchForm, found, compare, error, actions);
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });

    searchForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      const term = search.value.trim();
      if (!term) return;
      try {
        const digits = term.replace(/\D/g, '');
        const cards = digits.length >= 5
          ? (await get(`/api/contacts/lookup${query({ phone: term })}`)).map((r) => r.contact || r)
          : (await get(`/api/contacts${query({ q: term, size: 20 })}`)).items;
        const others = cards.filter((c) => c && (c.id || c.contactId) !== contact.id);
        clear(found, others.length === 0 ? h('li.muted', {}, t('noMatches')) : others.map((c) => {
          const cid = c.id || c.contactId;
          const choose = h('button.link.merge-choose', { type: 'button', dataset: { contact: cid } },
            `${c.displayName || c.name || cid}${c.city ? ` · ${c.city}` : ''}`);
          choose.addEventListener('click', () => showComparison(cid));
          return h('li', {}, choose);
        }));
      } catch (err) {
        showError(err);
      }
    });

    function showError(err) {
      error.hidden = false;
      clear(error, err instanceof ApiError && err.status === 412 ? t('staleEdit') : err.message);
    }

    async function showComparison(otherId) {
      const other = await get(`/api/contacts/${enc(otherId)}`);
      // by default the older card stays: its id is the one links and deals already point to
      let keepThis = (contact.createdAt || '') <= (other.createdAt || '');
      const fields = [...CHOSEN, ...new Set([...Object.keys(contact.customFields || {}), ...Object.keys(other.customFields || {})].map((k) => `cf.${k}`))];
      const valueOf = (card, f) => {
        const v = f.startsWith('cf.') ? (card.customFields || {})[f.slice(3)] : card[f];
        return Array.isArray(v) ? v.join(', ') : v;
      };
      const differing = fields.filter((f) => !same(valueOf(contact, f), valueOf(other, f)));
      const choice = {};
      for (const f of differing) {
        // what wins unless the user says otherwise: the staying card's value, or the other's where it has none
        const stay = keepThis ? contact : other;
        choice[f] = valueOf(stay, f) === undefined || valueOf(stay, f) === null || valueOf(stay, f) === '' ? (keepThis ? 'other' : 'this') : (keepThis ? 'this' : 'other');
      }
      const keepRadios = ['this', 'other'].map((side) => {
        const radio = h('input', { type: 'radio', name: 'merge-keep', id: `merge-keep-${side}`, value: side, checked: (side === 'this') === keepThis });
        radio.addEventListener('change', () => {
          keepThis = side === 'this';
        });
        return h('label.check', { for: `merge-keep-${side}` }, radio, ' ', side === 'this' ? t('thisCard') : t('otherCard'));
      });
      const table = differing.length === 0 ? h('p.muted', {}, t('noDifferences')) : h('table.merge-table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('field')), h('th', { scope: 'col' }, t('thisCard')), h('th', { scope: 'col' }, t('otherCard')))),
        h('tbody', {}, differing.map((f) => h('tr', { dataset: { field: f } },
          h('th', { scope: 'row' }, f.startsWith('cf.') ? f.slice(3) : t(LABELS[f] || f)),
          ['this', 'other'].map((side) => {
            const rid = `merge-${f.replace(/\W/g, '_')}-${side}`;
            const radio = h('input', { type: 'radio', name: `merge-${f}`, id: rid, value: side, checked: choice[f] === side });
            radio.addEventListener('change', () => {
              choice[f] = side;
            });
            const v = valueOf(side === 'this' ? contact : other, f);
            return h('td', {}, h('label.check', { for: rid }, radio, ' ', v === undefined || v === null || v === '' ? t('empty') : String(v)));
          })))));
      const go = h('button', { type: 'button', id: 'merge-confirm' }, t('mergeNow'));
      go.addEventListener('click', async () => {
        const survivor = keepThis ? contact : other;
        const duplicate = keepThis ? other : contact;
        const prefer = {};
        for (const f of differing) prefer[f] = (choice[f] === 'this') === keepThis ? 'survivor' : 'duplicate';
        go.disabled = true;
        try {
          result = await post(`/api/contacts/${enc(survivor.id)}/merge`, { duplicateId: duplicate.id, prefer });
          dlg.close();
        } catch (err) {
          showError(err);
        } finally {
          go.disabled = false;
        }
      });
      clear(compare,
        h('h3', {}, `${contact.displayName || contact.id} ⟷ ${other.displayName || other.id}`),
        h('fieldset.merge-keep', {}, h('legend', {}, t('whichCardStays')), keepRadios),
        table,
        h('p.muted', {}, t('listsUnited')));
      clear(actions, cancel, go);
      go.focus();
    }

    document.body.append(dlg);
    dlg.showModal();
    search.focus();
  });
}
