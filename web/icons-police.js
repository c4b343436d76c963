// Constant inline SVG icons of the police pages (same 24x24 stroke style as icons.js); merged into icons by app.js.
const wrap = (body) => `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const policeIcons = {
  bulletin: wrap('<path d="M4 10v4h3l6 4.5v-13L7 10z"/><path d="M16.5 9a4 4 0 0 1 0 6"/><path d="M19 6.5a7.5 7.5 0 0 1 0 11"/>'),
  patrol: wrap('<circle cx="6" cy="18" r="2.2"/><circle cx="18" cy="6" r="2.2"/><path d="M8.2 18H15a3 3 0 0 0 0-6H9a3 3 0 0 1 0-6h6.8"/>'),
  case: wrap('<path d="M3.5 7.5h17v12h-17z"/><path d="M9 7.5V5h6v2.5"/><path d="M3.5 12.5h17"/><path d="M11 12.5v2h2v-2"/>'),
  track: wrap('<path d="M4 19c3-1 3-6 6-7s5 2 7 0 2-6 3-7"/><circle cx="4" cy="19" r="1.6"/><circle cx="20" cy="5" r="1.6"/>'),
};
