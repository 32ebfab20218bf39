// What the browser tests call clipped (see CLIPPED_JS in _lab.py); evaluated with the root element.
(root) => {
  const out = [];
  const rootBox = root.getBoundingClientRect();
  const shown = (el) => { const s = getComputedStyle(el); if (s.display === 'none' || s.visibility === 'hidden') return false;
                          const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const name = (el) => (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : el.tagName)
    + ' "' + (el.innerText || el.value || el.placeholder || '').slice(0, 30).replace(/\n/g, ' ') + '"';
  const canvas = document.createElement('canvas').getContext('2d');
  for (const el of root.querySelectorAll('button, input, select, textarea, label, .lm-TabBar-tab, .widget-label, .widget-html-content')) {
    if (el.closest('.dbm-erd-stage, .dbm-popover, .dbm-erd-minimap, .dbm-erd-legend')) continue;
    let hidden = !shown(el);
    for (let a = el.parentElement; !hidden && a && a !== root.parentElement; a = a.parentElement) hidden = !shown(a);
    if (hidden) continue;
    const r = el.getBoundingClientRect();
    if (r.left < rootBox.left - 1 || r.right > rootBox.right + 1)
      out.push(`${name(el)} outside the widget: ${r.left | 0}..${r.right | 0} vs ${rootBox.left | 0}..${rootBox.right | 0}`);
    for (let a = el.parentElement; a && a !== root.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible') continue;
      const ar = a.getBoundingClientRect();
      if (s.overflowX === 'auto' || s.overflowX === 'scroll') break;  // reachable by scrolling
      if (r.left < ar.left - 1 || r.right > ar.right + 1) { out.push(`${name(el)} cut by ${name(a)}`); break; }
    }
    if (el.matches('button, label, .widget-label') && el.scrollWidth > el.clientWidth + 1)
      out.push(`${name(el)} text cut: ${el.scrollWidth} > ${el.clientWidth}`);
    const tabLabel = el.matches('.lm-TabBar-tab') && el.querySelector('.lm-TabBar-tabLabel');
    if (tabLabel && tabLabel.scrollWidth > tabLabel.clientWidth + 1) out.push(`${name(el)} label cut`);
    if (el.matches('select[size]') && el.size > 1) {
      canvas.font = getComputedStyle(el).font;
      const widest = Math.max(0, ...[...el.options].map(o => canvas.measureText(o.text).width));
      let scrolls = false;
      for (let a = el; a && a !== root.parentElement; a = a.parentElement) {
        const s = getComputedStyle(a); if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && a !== el) { scrolls = true; break; } }
      if (widest > el.clientWidth - 4 && !(scrolls && el.scrollWidth >= widest))
        out.push(`${name(el)} options cut: ${widest | 0} > ${el.clientWidth}`);
    }
  }
  return out;
}
