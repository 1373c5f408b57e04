// The call centre: the caller's card pops up the moment CallStarted arrives over the notification stream (SSE),
// with the call logged in one click together with its appeal topic. A number can also be looked up by hand.
import { get, post, query } from '../api.js';
import { h, clear, toast, dateTime, money } from '../dom.js';
import { t } from '../i18n.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

// A call that rings while the operator is on another screen brings them here; the view shows it on arrival.
let lastCall = null;
let showCall = null;
window.addEventListener('crm:notification', (event) => {
  if (event.detail.topic !== 'CallStarted') return;
  lastCall = event.detail;
  if (showCall) showCall(lastCall);
  else if (document.querySelector('#nav-calls')) location.hash = '#/calls';
});

/** The card ids in a CallStarted notification's text (the template lists them). */
function contactIdsOf(notification) {
  return [...new Set((notification.body || '').match(UUID) || [])];
}

export async function callsView(main) {
  const topics = await get('/api/contacts/appeal-topics').catch(() => []);
  const pop = h('div.screen-pop', { id: 'screen-pop', 'aria-live': 'assertive' }, h('p.muted.waiting', {}, t('waitingForCalls')));
  const phone = h('input', { id: 'lookup-phone', type: 'tel', 'aria-label': t('phone') });
  const lookup = h('form.lookup', {}, h('label', { for: 'lookup-phone' }, t('lookup')), phone, h('button', { type: 'submit' }, t('find')));
  lookup.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const found = await get(`/api/contacts/lookup${query({ phone: phone.value })}`);
      const ids = (Array.isArray(found) ? found : [found]).filter((r) => r && r.contact).map((r) => r.contact.id);
      if (ids.length === 0) toast(t('unknownCaller'));
      else await show(ids, null);
    } catch (err) {
      toast(t('failed', { message: err.message }), 'error');
    }
  });
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navCalls')), lookup), pop);

  async function show(contactIds, notification) {
    const cards = await Promise.all(contactIds.map(async (id) => {
      const contact = await get(`/api/contacts/${encodeURIComponent(id)}`).catch(() => null);
      // a card of another department is not this user's to see: the pop says so instead of failing
      if (!contact) return null;
      const [deals, tasks] = await Promise.all([
        get(`/api/deals${query({ contactId: id, size: 20 })}`).catch(() => ({ items: [] })),
        get(`/api/tasks${query({ contactId: id, status: 'OPEN', size: 20 })}`).catch(() => ({ items: [] })),
      ]);
      return { contact, deals: deals.items.filter((d) => !d.stageKind || d.stageKind === 'OPEN'), tasks: tasks.items };
    }));
    const visible = cards.filter(Boolean);
    clear(pop,
      h('h2.call-title', { id: 'call-title' }, t('incomingCall'), notification ? ` · ${dateTime(notification.createdAt)}` : ''),
      contactIds.length === 0 ? h('p', {}, t('unknownCaller')) : null,
      visible.length < cards.length ? h('p.muted', {}, t('hiddenCards', { count: cards.length - visible.length })) : null,
      visible.map(popCard));
    pop.querySelector('button')?.focus();
  }

  function popCard({ contact, deals, tasks }) {
    const topic = h('select', { name: 'appealTopic', 'aria-label': t('appealTopic'), class: 'appeal-topic' },
      h('option', { value: '' }, t('none')),
      (topics || []).map((tp) => h('option', { value: tp.key }, tp.label || tp.key)));
    const summary = h('input', { name: 'summary', 'aria-label': t('summary'), class: 'call-summary' });
    const log = h('button', { type: 'button', class: 'log-call' }, t('logCall'));
    log.addEventListener('click', async () => {
      try {
        await post(`/api/contacts/${encodeURIComponent(contact.id)}/interactions`, {
          type: 'CALL', direction: 'INBOUND', appealTopic: topic.value || undefined,
          summary: summary.value || undefined, dealId: deals[0] ? deals[0].id : undefined,
        });
        toast(t('callLogged'));
        log.disabled = true;
      } catch (err) {
        toast(t('failed', { message: err.message }), 'error');
      }
    });
    return h('article.pop-card', { dataset: { contact: contact.id } },
      h('h3.pop-name', {}, h('a', { href: `#/contact/${encodeURIComponent(contact.id)}` }, contact.displayName || contact.name || contact.id)),
      h('div.muted', {}, (contact.phones || []).map((p) => p.number).join(', '), contact.city ? ` · ${contact.city}` : ''),
      h('div.pop-grid', {},
        h('div', {}, h('h4', {}, t('openDeals')), deals.length === 0 ? h('p.muted', {}, t('none')) : h('ul', {}, deals.map((d) =>
          h('li', {}, `${d.title} — ${d.stageName || d.stage} `, money(d.amount && d.amount.amount, d.amount && d.amount.currency))))),
        h('div', {}, h('h4', {}, t('openTasks')), tasks.length === 0 ? h('p.muted', {}, t('none')) : h('ul', {}, tasks.map((task) =>
          h('li', {}, `${task.title} · ${dateTime(task.dueAt)}`))))),
      h('div.log-call-row', {}, topic, summary, log));
  }

  showCall = (n) => show(contactIdsOf(n), n).catch((err) => toast(t('failed', { message: err.message }), 'error'));
  if (lastCall && Date.now() - new Date(lastCall.createdAt).getTime() < 120000) showCall(lastCall);
  return { dispose: () => { showCall = null; } };
}
