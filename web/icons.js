// Constant inline SVG icons (stroke icons, 24x24). aria-hidden: the text next to them carries the meaning.
const wrap = (body) => `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const icons = {
  shield: wrap('<path d="M12 2.8 4.5 5.6v5.6c0 4.6 3.1 8.6 7.5 10 4.4-1.4 7.5-5.4 7.5-10V5.6z"/><path d="m12 7.2 1.3 2.7 3 .4-2.2 2.1.5 3-2.6-1.4-2.6 1.4.5-3-2.2-2.1 3-.4z"/>'),
  home: wrap('<path d="M3.5 10.5 12 3.5l8.5 7"/><path d="M5.5 9v11h13V9"/><path d="M10 20v-6h4v6"/>'),
  village: wrap('<path d="M12 21s-6.5-5.6-6.5-11a6.5 6.5 0 0 1 13 0c0 5.4-6.5 11-6.5 11z"/><circle cx="12" cy="10" r="2.4"/>'),
  account: wrap('<circle cx="12" cy="8" r="4"/><path d="M4 20.5c1.3-3.6 4.4-5.5 8-5.5s6.7 1.9 8 5.5"/>'),
  lock: wrap('<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/><path d="M12 14.5v2.5"/>'),
  areas: wrap('<rect x="9" y="3" width="6" height="5" rx="1"/><rect x="3" y="16" width="6" height="5" rx="1"/><rect x="15" y="16" width="6" height="5" rx="1"/><path d="M12 8v4M6 16v-4h12v4"/>'),
  people: wrap('<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.9-3.4 3.4-5 6.5-5s5.6 1.6 6.5 5"/><path d="M16 4.8a3.5 3.5 0 0 1 0 6.4M18 15.3c1.7.7 2.9 2.3 3.5 4.7"/>'),
  users: wrap('<circle cx="10" cy="8" r="4"/><path d="M3 20.5c1.2-3.5 4-5.5 7-5.5 1.3 0 2.5.3 3.6 1"/><circle cx="18" cy="17.5" r="2.2"/><path d="M18 13.6v1.7M18 19.7v1.7M14.6 15.5l1.5.9M19.9 18.6l1.5.9M14.6 19.5l1.5-.9M19.9 16.4l1.5-.9"/>'),
  audit: wrap('<path d="M7 3.5h7.5L19 8v12.5H7z"/><path d="M14.5 3.5V8H19"/><path d="M10 12h6M10 15.5h6M10 19h3"/><path d="M4 7v14"/>'),
  logout: wrap('<path d="M14 4.5H6.5v15H14"/><path d="M10.5 12h10M17 8.5l3.5 3.5-3.5 3.5"/>'),
  chevron: wrap('<path d="m9 6 6 6-6 6"/>'),
  globe: wrap('<circle cx="12" cy="12" r="8.5"/><path d="M3.5 12h17M12 3.5c2.4 2.6 3.5 5.4 3.5 8.5s-1.1 5.9-3.5 8.5c-2.4-2.6-3.5-5.4-3.5-8.5S9.6 6.1 12 3.5z"/>'),
  plus: wrap('<path d="M12 5v14M5 12h14"/>'),
  household: wrap('<path d="M4 20.5V9.5L12 4l8 5.5v11z"/><path d="M9 20.5v-5.5h6v5.5"/><path d="M9 11h6"/>'),
  form: wrap('<rect x="5" y="3.5" width="14" height="17" rx="2"/><path d="M9 3.5v2h6v-2"/><path d="M8.5 10.5h7M8.5 14h7M8.5 17.5h4"/>'),
  bell: wrap('<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>'),
  camera: wrap('<path d="M4 8h3.2l1.6-2.5h6.4L16.8 8H20v11.5H4z"/><circle cx="12" cy="13.5" r="3.5"/>'),
  check: wrap('<path d="m5 12.5 4.5 4.5L19 7.5"/>'),
  back: wrap('<path d="M15 6l-6 6 6 6"/>'),
  search: wrap('<circle cx="10.5" cy="10.5" r="6.5"/><path d="m20 20-4.8-4.8"/>'),
  print: wrap('<path d="M7 8.5V3.5h10v5"/><rect x="3.5" y="8.5" width="17" height="8" rx="1.5"/><path d="M7 13.5h10v7H7z"/>'),
  clock: wrap('<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>'),
  info: wrap('<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.5M12 7.6v.2"/>'),
};
