// Small DOM helpers. No innerHTML with data: text always goes through text nodes.
// (The only markup set as HTML is the constant SVG icons of icons.js.)

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'svg') el.innerHTML = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
      else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'required' || key === 'selected' || key === 'multiple') el[key] = Boolean(value);
      else if (key === 'value') el.value = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let uid = 0;
export function nextId(prefix) { uid += 1; return `${prefix}-${uid}`; }

// A labelled form field: <div class="field"><label for>..</label><input id>..<p class="hint"></div>
export function field({ label, input, hint, error = true }) {
  if (!input.id) input.id = nextId('f');
  const parts = [h('label', { for: input.id, class: 'field-label' }, label), input];
  let hintEl = null;
  const describedBy = [];
  if (hint) {
    hintEl = h('p', { class: 'hint', id: nextId('hint') }, hint);
    parts.push(hintEl);
    describedBy.push(hintEl.id);
  }
  let errEl = null;
  if (error) {
    errEl = h('p', { class: 'field-error', id: nextId('ferr'), hidden: true });
    parts.push(errEl);
    describedBy.push(errEl.id);
  }
  if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
  const wrap = h('div', { class: 'field' }, parts);
  wrap.setFieldError = (msg) => {
    if (!errEl) return;
    errEl.textContent = msg || '';
    errEl.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  };
  wrap.setInvalid = (on) => { if (on) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid'); };
  return wrap;
}

export function formatDate(s) {
  if (!s) return '';
  return String(s).slice(0, 10);
}

export function formatDateTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// The server's zone of day boundaries (GET /info time_zone): "today" is the server's date, not the device's
// (a desktop left on UTC would otherwise ask for yesterday's records between 00:00 and 08:00 Beijing time).
let serverZone = 'Asia/Shanghai';
export function setServerZone(z) { if (typeof z === 'string' && z) serverZone = z; }

// The server's today as a Date at local midnight, for calendar arithmetic (first of the month, last month).
export function todayDate() {
  const d = todayISO(0);
  return new Date(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
}

export function todayISO(offsetDays = 0) {
  const at = new Date(Date.now() + offsetDays * 86400000);
  try {
    // en-CA formats as YYYY-MM-DD
    return new Intl.DateTimeFormat('en-CA', { timeZone: serverZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch (_) {
    const p = (n) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
  }
}
