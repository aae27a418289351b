// The Ring drawn as a circle: each member at the angle of its identifier (the first 32 bits of
// its id over 2^32), coloured by state; fellowships as translucent groups joining their members.
const NS = 'http://www.w3.org/2000/svg';
const R = 150;
const HUES = ['#2563eb', '#9333ea', '#db2777', '#0891b2', '#65a30d', '#ea580c'];

export function angle(idHex) {
  return (parseInt(idHex.slice(0, 8), 16) / 0x100000000) * 2 * Math.PI;
}

export function position(idHex) {
  const a = angle(idHex) - Math.PI / 2;
  return [R * Math.cos(a), R * Math.sin(a)];
}

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

export function drawRing(svg, members, fellowships, chosen, onPick) {
  svg.replaceChildren();
  el('circle', { class: 'orbit', r: R, cx: 0, cy: 0 }, svg);
  fellowships.forEach((f, i) => {
    const pts = f.members.map((m) => members.find((x) => x.id === m.node)).filter(Boolean).map((m) => position(m.id));
    if (pts.length < 2) return;
    const colour = HUES[i % HUES.length];
    el('polygon', { class: 'fellowship', 'data-fellowship': f.id, points: pts.map((p) => p.join(',')).join(' '),
      fill: colour, stroke: colour }, svg);
  });
  for (const m of members) {
    const [x, y] = position(m.id);
    const g = el('g', { class: 'member ' + m.state + (m.self ? ' self' : '') + (m.id === chosen ? ' chosen' : ''),
      'data-id': m.id, 'data-state': m.state, 'data-name': m.name, tabindex: 0 }, svg);
    el('circle', { cx: x, cy: y, r: 10, class: m.state }, g);
    const t = el('text', { x: x * 1.18, y: y * 1.18 + 4, 'text-anchor': x < -5 ? 'end' : (x > 5 ? 'start' : 'middle') }, g);
    t.textContent = m.name + ' ' + m.id.slice(0, 6);
    const title = el('title', {}, g);
    title.textContent = m.name + ' (' + m.state + ') ' + m.address;
    g.addEventListener('click', () => onPick(m));
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter') onPick(m); });
  }
}
