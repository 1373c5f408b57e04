// My tasks: overdue, today, this week and later; complete with an outcome and, optionally, the next step; a
// week calendar of the same tasks.
import { get, request, version, ApiError } from '../api.js';
import { h, clear, toast, dialog, dateTime } from '../dom.js';
import { t } from '../i18n.js';
import { TASK_TYPES, localInput } from './contact.js';

export async function tasksView(main) {
  let mode = 'list';
  const body = h('div', { id: 'tasks' });
  const listButton = h('button.secondary', { type: 'button', 'aria-pressed': 'true' }, t('navTasks'));
  const calendarButton = h('button.secondary', { type: 'button', id: 'tasks-calendar', 'aria-pressed': 'false' }, t('calendar'));
  clear(main, h('div.toolbar', {}, h('h1', {}, t('navTasks')), listButton, calendarButton), body);
  listButton.addEventListener('click', () => { mode = 'list'; listButton.setAttribute('aria-pressed', 'true'); calendarButton.setAttribute('aria-pressed', 'false'); load(); });
  calendarButton.addEventListener('click', () => { mode = 'calendar'; listButton.setAttribute('aria-pressed', 'false'); calendarButton.setAttribute('aria-pressed', 'true'); load(); });

  let latest = 0;

  async function load() {
    // a live update may start a load while another runs: only the newest one renders
    const mine = ++latest;
    const tasks = [];
    let cursor;
    do {
      const page = await get(`/api/tasks?assignee=me&status=OPEN&size=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      tasks.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && tasks.length < 500);
    tasks.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    if (mine !== latest) return;
    if (mode === 'calendar') renderCalendar(tasks);
    else renderList(tasks);
  }

  function renderList(tasks) {
    const now = new Date();
    const endOfToday = new Date(now);
    endOfToday.setHours(23, 59, 59, 999);
    const endOfWeek = new Date(endOfToday);
    endOfWeek.setDate(endOfWeek.getDate() + ((7 - endOfWeek.getDay()) % 7));
    const groups = { overdue: [], today: [], thisWeek: [], later: [] };
    for (const task of tasks) {
      const due = new Date(task.dueAt);
      if (task.overdue || due < now) groups.overdue.push(task);
      else if (due <= endOfToday) groups.today.push(task);
      else if (due <= endOfWeek) groups.thisWeek.push(task);
      else groups.later.push(task);
    }
    clear(body, Object.entries(groups).map(([key, list]) =>
      h(`section.task-group.group-${key}`, { 'aria-label': t(key), id: `tasks-${key}` },
        h('h2', {}, t(key), ' ', h('span.badge', {}, String(list.length))),
        list.length === 0 ? h('p.muted', {}, t('noTasks')) : h('ul.task-list', {}, list.map(row)))));
  }

  function row(task) {
    const done = h('button', { type: 'button', class: 'complete' }, t('complete'));
    done.addEventListener('click', () => complete(task));
    return h(`li.task${task.overdue ? '.overdue' : ''}`, { dataset: { task: task.id, type: task.type } },
      h('div.task-main', {},
        h('strong.task-title', {}, task.title),
        h('div.muted', {}, `${task.type} · ${t('dueAt')}: ${dateTime(task.dueAt)}`,
          task.contactId ? [' · ', h('a', { href: `#/contact/${encodeURIComponent(task.contactId)}` }, t('openCard'))] : '')),
      done);
  }

  function renderCalendar(tasks) {
    const start = new Date();
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - ((start.getDay() + 6) % 7));
    const days = [...Array(7)].map((_, i) => new Date(start.getTime() + i * 86400000));
    const fmt = new Intl.DateTimeFormat(document.documentElement.lang, { weekday: 'short', day: 'numeric', month: 'short' });
    const time = new Intl.DateTimeFormat(document.documentElement.lang, { timeStyle: 'short' });
    clear(body, h('div.calendar', { role: 'grid' }, days.map((day) => {
      const next = new Date(day.getTime() + 86400000);
      const those = tasks.filter((task) => new Date(task.dueAt) >= day && new Date(task.dueAt) < next);
      return h('div.day', { role: 'gridcell' }, h('h3', {}, fmt.format(day)),
        those.map((task) => h(`div.cal-task${task.overdue ? '.overdue' : ''}`, {}, `${time.format(new Date(task.dueAt))} ${task.title}`)));
    })));
  }

  async function complete(task) {
    const later = new Date(Date.now() + 24 * 3600 * 1000);
    const answer = await dialog(t('completeTask'), [
      { name: 'outcome', label: t('outcome'), required: true },
      { name: 'nextTitle', label: t('nextStepTitle') },
      { name: 'nextType', label: t('type'), options: TASK_TYPES.map((v) => ({ value: v, label: v })) },
      { name: 'nextDue', label: t('nextStepDue'), type: 'datetime-local', value: localInput(later) },
    ], t('complete'), t('cancel'));
    if (!answer) return;
    const payload = { outcome: answer.outcome };
    if (answer.nextTitle) payload.nextStep = { title: answer.nextTitle, type: answer.nextType, dueAt: new Date(answer.nextDue).toISOString() };
    try {
      await request(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { method: 'POST', body: payload, ifMatch: version(task.version) });
      toast(t('completed'));
    } catch (e) {
      toast(e instanceof ApiError && e.status === 412 ? t('staleConflict') : t('failed', { message: e.message }), 'error');
    }
    await load();
  }

  await load();
  const refresh = (event) => {
    if (event.detail.topic.startsWith('Task')) load();
  };
  window.addEventListener('crm:notification', refresh);
  return { dispose: () => window.removeEventListener('crm:notification', refresh) };
}
