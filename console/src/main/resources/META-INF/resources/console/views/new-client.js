// A new client card by hand. The duplicate check runs at entry: a 409 names the existing cards, which the
// warning links to; "save anyway" records the pair as an allowed duplicate (contacts-service).
import { post, ApiError } from '../api.js';
import { h, clear, dialog, toast } from '../dom.js';
import { t } from '../i18n.js';

export async function newClient(warningBox) {
  const answer = await dialog(t('newClient'), [
    { name: 'firstName', label: t('firstName'), required: true },
    { name: 'lastName', label: t('lastName') },
    { name: 'phone', label: t('phone'), type: 'tel' },
    { name: 'email', label: t('email'), type: 'email' },
  ], t('save'), t('cancel'));
  if (!answer) return;
  const body = { kind: 'PERSON', firstName: answer.firstName, lastName: answer.lastName || undefined };
  if (answer.phone) body.phones = [{ number: answer.phone, type: 'MOBILE' }];
  if (answer.email) body.emails = [answer.email];
  await save(body, false, warningBox);
}

async function save(body, allowDuplicate, warningBox) {
  try {
    const card = await post(`/api/contacts${allowDuplicate ? '?allowDuplicate=true' : ''}`, body);
    clear(warningBox);
    location.hash = `#/contact/${encodeURIComponent(card.id)}`;
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && Array.isArray(e.problem.existingIds)) {
      const anyway = h('button.secondary', { type: 'button', id: 'save-anyway' }, t('saveAnyway'));
      anyway.addEventListener('click', () => save(body, true, warningBox));
      clear(warningBox, h('div.duplicate-warning', { role: 'alert', id: 'duplicate-warning' },
        h('strong', {}, t('duplicateFound')), ' ',
        e.problem.existingIds.map((id, i) => [i ? ', ' : '', h('a.existing-card', { href: `#/contact/${encodeURIComponent(id)}` }, t('openExisting'))]),
        ' ', anyway));
    } else {
      toast(t('failed', { message: e.message }), 'error');
    }
  }
}
