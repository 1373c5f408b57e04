// A few helpers to build DOM without a framework: h('tag.class', {attrs}, ...children).
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A message in the page's status line (role=status, read by screen readers). */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h(`div.toast.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 12000 : 5000);
}

/** A modal dialog with a form; resolves to the form's values or null when cancelled. */
export function dialog(title, fields, submitLabel, cancelLabel) {
  return new Promise((resolve) => {
    const form = h('form.dialog-form', { method: 'dialog' });
    const inputs = {};
    for (const f of fields) {
      const id = `dlg-${f.name}`;
      let input;
      if (f.options && f.options.length) {
        input = h('select', { id, name: f.name, required: f.required }, f.options.map((o) => h('option', { value: o.value }, o.label)));
      } else if (f.type === 'textarea') {
        input = h('textarea', { id, name: f.name, required: f.required, rows: 3 });
      } else {
        input = h('input', { id, name: f.name, type: f.type || 'text', required: f.required });
      }
      if (f.value !== undefined) input.value = f.value;
      inputs[f.name] = input;
      form.append(h('label', { for: id }, f.label), input);
    }
    const dlg = h('dialog.modal', { 'aria-label': title }, h('h2', {}, title), form);
    const cancel = h('button', { type: 'button', class: 'secondary' }, cancelLabel);
    form.append(h('div.actions', {}, cancel, h('button', { type: 'submit' }, submitLabel)));
    cancel.addEventListener('click', () => dlg.close('cancel'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const [k, input] of Object.entries(inputs)) values[k] = input.value;
      dlg.close('ok');
      resolve(values);
    });
    dlg.addEventListener('close', () => {
      if (dlg.returnValue !== 'ok') resolve(null);
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = Object.values(inputs)[0];
    if (first) first.focus();
  });
}

export function money(amount, currency) {
  if (amount === undefined || amount === null) return '';
  try {
    return new Intl.NumberFormat(document.documentElement.lang, {
      style: 'currency',
      currency: currency || 'EUR',
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${amount} ${currency || ''}`;
  }
}

export function dateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
