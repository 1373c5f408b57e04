// An edit form in a modal dialog that stays open until the service accepts it: the service's validation problems
// (problem details' `errors[].field`) are shown next to the field they name, anything else above the buttons.
import { ApiError } from './api.js';
import { h, clear } from './dom.js';
import { t } from './i18n.js';

let counter = 0;

/**
 * fields: [{name, label, type: text|number|date|datetime-local|email|url|textarea|json|list|checkbox|select,
 * options: [{value, label}], value, required, help}]. A `json` field is parsed, a `list` field is split at commas.
 * submit(values) sends them and resolves to the answer; a rejected ApiError keeps the dialog open.
 * Resolves to submit's answer, or null when cancelled.
 */
export function formDialog({ title, fields, submitLabel, submit, id, wide }) {
  return new Promise((resolve) => {
    const prefix = `f${++counter}`;
    const form = h('form.dialog-form', { method: 'dialog', novalidate: true });
    const inputs = {};
    const errors = {};
    for (const f of fields) {
      const inputId = `${prefix}-${f.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      const errorId = `${inputId}-error`;
      let input;
      if (f.type === 'rows') {
        input = rowsEditor(inputId, f);
      } else if (f.type === 'select') {
        input = h('select', { id: inputId, name: f.name }, (f.options || []).map((o) => h('option', { value: o.value }, o.label)));
      } else if (f.type === 'textarea' || f.type === 'json') {
        input = h('textarea', { id: inputId, name: f.name, rows: f.rows || (f.type === 'json' ? 8 : 4), spellcheck: f.type === 'json' ? 'false' : undefined });
        if (f.type === 'json') input.classList.add('code');
      } else if (f.type === 'checkbox') {
        input = h('input', { id: inputId, name: f.name, type: 'checkbox' });
      } else {
        input = h('input', { id: inputId, name: f.name, type: f.type === 'list' ? 'text' : f.type || 'text', step: f.step });
      }
      if (f.required) input.setAttribute('aria-required', 'true');
      if (f.readonly) input.setAttribute('readonly', '');
      setValue(input, f, f.value);
      const error = h('span.field-error', { id: errorId, role: 'alert', hidden: true });
      inputs[f.name] = input;
      errors[f.name] = error;
      const help = f.help ? h('span.help.muted', { id: `${inputId}-help` }, f.help) : null;
      if (help) input.setAttribute('aria-describedby', help.id);
      const parts = f.type === 'checkbox'
        ? [h('label.check', { for: inputId }, input, ' ', f.label)]
        : [h('label', { for: inputId }, f.label, f.required ? ' *' : ''), input];
      form.append(...parts, ...(help ? [help] : []), error);
    }
    const general = h('div.form-error', { role: 'alert', hidden: true });
    const cancel = h('button.secondary', { type: 'button' }, t('cancel'));
    const ok = h('button', { type: 'submit' }, submitLabel || t('save'));
    form.append(general, h('div.actions', {}, cancel, ok));
    const dlg = h(`dialog.modal${wide ? '.wide' : ''}`, { 'aria-label': title, id }, h('h2', {}, title), form);
    let result = null;

    function showErrors(byField, rest) {
      for (const [name, box] of Object.entries(errors)) {
        const messages = byField[name];
        box.hidden = !messages;
        clear(box, messages ? messages.join('; ') : '');
        const input = inputs[name];
        if (input.markCells) input.markCells(byField[`${name}#paths`] || []);
        if (messages) {
          if (!input.markCells) input.setAttribute('aria-invalid', 'true');
          input.setAttribute('aria-describedby', [box.id, input.getAttribute('aria-describedby')].filter(Boolean).join(' '));
        } else {
          input.removeAttribute('aria-invalid');
        }
      }
      general.hidden = rest.length === 0;
      clear(general, rest.join(' '));
      const first = Object.keys(byField).map((n) => inputs[n]).find(Boolean);
      if (first) (first.firstInvalid ? first.firstInvalid() : first).focus();
    }

    cancel.addEventListener('click', () => dlg.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const values = {};
      const local = {};
      for (const f of fields) {
        try {
          values[f.name] = readValue(inputs[f.name], f);
          if (f.required && (values[f.name] === undefined || values[f.name] === '')) local[f.name] = [t('required')];
        } catch {
          local[f.name] = [t('invalidJson')];
        }
      }
      if (Object.keys(local).length) {
        showErrors(local, []);
        return;
      }
      ok.disabled = true;
      try {
        result = await submit(values);
        dlg.close();
      } catch (err) {
        const byField = {};
        const rest = [];
        const problems = err instanceof ApiError && Array.isArray(err.problem.errors) ? err.problem.errors : [];
        for (const p of problems) {
          const name = fieldFor(p.field, inputs);
          if (name) {
            (byField[name] = byField[name] || []).push(name === p.field ? p.message : `${p.field}: ${p.message}`);
            (byField[`${name}#paths`] = byField[`${name}#paths`] || []).push(p.field);
          }
          else rest.push(`${p.field} ${p.message}`);
        }
        if (!problems.length || rest.length) {
          rest.unshift(err instanceof ApiError && err.status === 412 ? t('staleEdit') : (err.problem && (err.problem.detail || err.problem.title)) || err.message);
        }
        showErrors(byField, rest);
      } finally {
        ok.disabled = false;
      }
    });
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = Object.values(inputs).find((i) => !i.hasAttribute('readonly'));
    if (first) first.focus();
  });
}

/** The form field an error's path belongs to: itself, or the longest field name it starts with. */
function fieldFor(path, inputs) {
  if (!path) return null;
  if (inputs[path]) return path;
  let best = null;
  for (const name of Object.keys(inputs)) {
    if ((path.startsWith(`${name}.`) || path.startsWith(`${name}[`)) && (!best || name.length > best.length)) best = name;
  }
  return best;
}

/**
 * A table editor for a list of objects (line items): one row per object, a cell per column, add and remove
 * buttons. A problem at `items[2].unitPrice` marks that cell.
 */
function rowsEditor(id, f) {
  const body = h('tbody');
  const table = h('table.rows-editor', { id },
    h('thead', {}, h('tr', {}, f.columns.map((c) => h('th', { scope: 'col' }, c.label)), h('th', { scope: 'col' }, h('span.sr-only', {}, t('actions'))))),
    body);
  const add = h('button.secondary.add-row', { type: 'button' }, '+ ', f.addLabel || t('addRow'));
  const box = h('div.rows', {}, table, add);
  function addRow(values = {}) {
    const remove = h('button.link.remove-row', { type: 'button' }, t('delete'));
    const row = h('tr', {}, f.columns.map((c) => {
      const cell = h('input', { type: c.type || 'text', step: c.step, 'aria-label': c.label, dataset: { column: c.name }, size: c.size || 8 });
      if (values[c.name] !== undefined && values[c.name] !== null) cell.value = String(values[c.name]);
      else if (c.value !== undefined) cell.value = String(c.value);
      return h('td', {}, cell);
    }), h('td', {}, remove));
    remove.addEventListener('click', () => {
      row.remove();
      add.focus();
    });
    body.append(row);
    return row;
  }
  add.addEventListener('click', () => {
    const row = addRow();
    row.querySelector('input').focus();
  });
  box.addRows = (list) => list.forEach((v) => addRow(v));
  box.readRows = () => [...body.rows].map((row) => {
    const out = {};
    for (const cell of row.querySelectorAll('input')) {
      const c = f.columns.find((col) => col.name === cell.dataset.column);
      const raw = cell.value.trim();
      if (raw !== '') out[c.name] = raw;
    }
    return out;
  }).filter((o) => Object.keys(o).length > 0);
  box.markCells = (paths) => {
    const rows = [...body.rows];
    for (const cell of body.querySelectorAll('input')) cell.removeAttribute('aria-invalid');
    for (const path of paths) {
      const m = path.match(/\[(\d+)\]\.?(\w+)?/);
      if (!m || !rows[Number(m[1])]) continue;
      const cells = rows[Number(m[1])].querySelectorAll(m[2] ? `input[data-column='${m[2]}']` : 'input');
      cells.forEach((c) => c.setAttribute('aria-invalid', 'true'));
    }
  };
  box.firstInvalid = () => body.querySelector('input[aria-invalid]') || add;
  box.focus = () => (body.querySelector('input') || add).focus();
  return box;
}

function setValue(input, f, value) {
  if (f.type === 'rows') {
    input.addRows(value && value.length ? value : [{}]);
    return;
  }
  if (value === undefined || value === null) return;
  if (f.type === 'checkbox') input.checked = Boolean(value);
  else if (f.type === 'json') input.value = JSON.stringify(value, null, 2);
  else if (f.type === 'list') input.value = Array.isArray(value) ? value.join(', ') : String(value);
  else input.value = String(value);
}

function readValue(input, f) {
  if (f.type === 'rows') return input.readRows();
  if (f.type === 'checkbox') return input.checked;
  const raw = input.value.trim();
  if (f.type === 'json') return raw === '' ? undefined : JSON.parse(raw);
  if (f.type === 'list') return raw === '' ? [] : raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (f.type === 'number') return raw === '' ? undefined : Number(raw);
  return raw === '' ? (f.emptyAs !== undefined ? f.emptyAs : undefined) : raw;
}
