// The ERD view: shows the kernel-rendered SVG. Zoom (wheel, buttons) and pan (drag empty space);
// a click on a table sets the synced trait `selected` (the table is outlined, its neighbours too);
// dragging a table moves it (the kernel stores its position and redraws); a double-click on a
// column asks the kernel to open it for editing. The drawing is fitted to the viewport until the
// person zooms or pans, and refitted when it or the viewport changes size; it is never drawn so
// small that the table text falls below READABLE_PX or the row flags below READABLE_SMALL_PX (a
// minimap shows the whole of a larger one).
// The JupyterLab light/dark theme is reported back in `page_theme`.

const TEXT_PX = (11 * 96) / 72; // table text: Graphviz 11 pt, 14.7 CSS px at scale 1
const SMALL_TEXT_PX = (8 * 96) / 72; // the row flags (NN, I1.1, UQ, CK) and key badges: 8 pt
const READABLE_PX = 8; // the smallest the table text is ever drawn
const READABLE_SMALL_PX = 7; // ... and the flags (short capitals)
const MIN_SCALE = Math.max(READABLE_PX / TEXT_PX, READABLE_SMALL_PX / SMALL_TEXT_PX);
const MAX_SCALE = 4;
const FIT_MAX = 1.25;
const DRAG_GAP = 8;
const SVG_NS = "http://www.w3.org/2000/svg"; // points kept free around a dropped table (Graphviz routes edges only between boxes that do not touch)

// dbmodel_kit.erd gives every SVG element an id: tables "table:<key>" (a table's key, as the model's
// table_names: "sales.orders", or "\"a.b\"" for a table called a.b in no schema), stubs (tables just outside
// a focus) "stub:<key>" or "stub:<key>:more", foreign keys "fk:<child>.<cols>-><parent>.<cols>",
// column name cells "a_col:<table>.<column>" (Graphviz prefixes "a_" to the ids of linked cells).
// Graphviz also writes each node's and edge's DOT name in a <title> ("a->b", "a:port->b:port").
function titleOf(g) {
  const t = g.querySelector(":scope > title");
  return t ? t.textContent.trim() : "";
}

function tableOf(node, tables) {
  const id = node.id || "";
  for (const prefix of ["table:", "stub:"]) {
    if (!id.startsWith(prefix)) continue;
    const rest = id.slice(prefix.length);
    if (tables.has(rest)) return rest;
    const inner = rest.replace(/:more$/, "");
    if (tables.has(inner)) return inner;
  }
  const title = titleOf(node);
  return tables.has(title) ? title : null;
}

function edgeEnds(edge) {
  const id = edge.id || "";
  const fk = /^fk:(.*)\.[^.]*->(.*)\.[^.]*$/.exec(id);
  if (fk) return [fk[1], fk[2]];
  const parts = titleOf(edge).split(/->|--/);
  if (parts.length !== 2) return [];
  return parts.map((p) => p.split(":")[0].trim());
}

function pageTheme() {
  const flag = document.body && document.body.dataset.jpThemeLight;
  if (flag === "false") return "dark";
  if (flag === "true") return "light";
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function overlaps(a, b, gap) {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

// The nearest free place for box `box` moved by (dx, dy) among `others` (user units), searching a
// square spiral of DRAG_GAP*3 steps: a dropped table never lands on another one.
function freeDelta(box, dx, dy, others) {
  const step = DRAG_GAP * 3;
  for (let r = 0; r < 60; r++) {
    const ring = [];
    for (let i = -r; i <= r; i++) for (let j = -r; j <= r; j++) if (Math.max(Math.abs(i), Math.abs(j)) === r) ring.push([i, j]);
    ring.sort((p, q) => p[0] * p[0] + p[1] * p[1] - (q[0] * q[0] + q[1] * q[1]));
    for (const [i, j] of ring) {
      const moved = { x: box.x + dx + i * step, y: box.y + dy + j * step, width: box.width, height: box.height };
      if (!others.some((o) => overlaps(moved, o, DRAG_GAP))) return [dx + i * step, dy + j * step];
    }
  }
  return [dx, dy];
}

// A Graphviz SVG cut into its top-level parts: the <svg> and graph <g> open tags, and the
// markup of each element inside the graph group (every table, foreign key, cluster box, the
// background polygon, ...), in order. Comments and white space between them are left out (they
// draw nothing). null when the text is not of that shape (the caller then replaces it whole).
// Graphviz escapes "<" and ">" in text and attribute values, so a tag ends at the next ">".
function svgParts(text) {
  let svgOpen = null, graphOpen = null, depth = 0, start = -1, at = 0;
  const parts = [];
  for (;;) {
    const lt = text.indexOf("<", at);
    if (lt < 0) return null;
    if (text.startsWith("<!--", lt)) { // a comment
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) return null;
      at = end + 3;
      continue;
    }
    const gt = text.indexOf(">", lt);
    if (gt < 0) return null;
    at = gt + 1;
    const second = text[lt + 1];
    if (second === "?" || second === "!") continue; // <?xml ...?>, <!DOCTYPE ...>
    const close = second === "/", selfClosing = text[gt - 1] === "/";
    if (!svgOpen) {
      if (/^<svg[\s>]/.test(text.slice(lt, lt + 5))) svgOpen = text.slice(lt, at);
      continue;
    }
    if (!graphOpen) {
      if (close || selfClosing || !/^<g[\s>]/.test(text.slice(lt, lt + 3))) return null;
      graphOpen = text.slice(lt, at);
      continue;
    }
    if (close) {
      if (depth === 0) { // the graph group ends: only </svg> may follow
        const rest = text.slice(at).replace(/<!--[\s\S]*?-->/g, "").trim();
        return rest === "</svg>" ? { svgOpen, graphOpen, parts } : null;
      }
      depth -= 1;
      if (depth === 0) parts.push(text.slice(start, at));
    } else if (selfClosing) {
      if (depth === 0) parts.push(text.slice(lt, at));
    } else {
      if (depth === 0) start = lt;
      depth += 1;
    }
  }
}

// Positions in a part's markup: the attributes Graphviz writes them in (points and path data as
// x,y pairs; x, y, cx, cy alone). Graphviz writes at most two decimals, so they are handled as whole
// hundredths of a point and a move is exact; anything else (another number form) gives null.
const COORD_ATTRS = /\s(points|d|x|y|cx|cy)="([^"]*)"/g;
function hundredths(text) {
  return /^-?\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : null;
}
function mapCoords(markup, fx, fy) {
  let ok = true;
  const out = markup.replace(COORD_ATTRS, (all, name, value) => {
    let i = 0;
    const moved = value.replace(/-?[\d.]+/g, (num) => {
      const h = hundredths(num);
      if (h === null) { ok = false; return num; }
      const x = name === "x" || name === "cx" || ((name === "points" || name === "d") && i++ % 2 === 0);
      return x ? fx(h) : fy(h);
    });
    return ` ${name}="${moved}"`;
  });
  return ok ? out : null;
}
// a part's markup moved by (dx, dy) hundredths of a point
function shiftCoords(markup, dx, dy) {
  return mapCoords(markup, (h) => String((h + dx) / 100), (h) => String((h + dy) / 100));
}
// a part's shape: its markup with every position taken relative to its first one, and that one
function shapeOf(markup) {
  let x = null, y = null;
  const key = mapCoords(markup, (h) => { if (x === null) x = h; return "x" + (h - x); },
    (h) => { if (y === null) y = h; return "y" + (h - y); });
  return key === null ? null : { key, x: x || 0, y: y || 0 };
}
// the graph group's open tag with its translate moved by (dx, dy) hundredths; null if it has none
function moveTranslate(open, by) {
  const m = /translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)/.exec(open);
  const x = m && hundredths(m[1]), y = m && hundredths(m[2]);
  if (x === null || y === null || !m) return null;
  return open.slice(0, m.index) + `translate(${(x + by.x) / 100} ${(y + by.y) / 100})` + open.slice(m.index + m[0].length);
}

// make `to`'s attributes those of `from` (only the ones that differ are written)
function copyAttributes(from, to) {
  for (const a of [...to.attributes]) if (!from.hasAttributeNS(a.namespaceURI, a.localName)) to.removeAttributeNS(a.namespaceURI, a.localName);
  for (const a of from.attributes) if (to.getAttributeNS(a.namespaceURI, a.localName) !== a.value) to.setAttributeNS(a.namespaceURI, a.name, a.value);
}

function render({ model, el }) {
  el.classList.add("dbm-erd");
  const toolbar = document.createElement("div");
  toolbar.className = "dbm-erd-toolbar";
  const mk = (label, title, cls) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.className = "dbm-erd-btn " + cls;
    toolbar.appendChild(b);
    return b;
  };
  const zoomIn = mk("+", "Zoom in (+)", "dbm-erd-zoom-in");
  const zoomOut = mk("−", "Zoom out (−)", "dbm-erd-zoom-out");
  const fitBtn = mk("Fit", "Fit the diagram to the view (0)", "dbm-erd-fit");
  const autoBtn = mk("Auto layout", "Forget where tables were dragged: lay the diagram out automatically", "dbm-erd-auto-layout");
  const legendBtn = mk("Legend", "What the row flags mean", "dbm-erd-legend-btn");

  const viewport = document.createElement("div");
  viewport.className = "dbm-erd-viewport";
  viewport.tabIndex = 0; // focusable, so keyboard shortcuts apply after clicking the diagram
  viewport.title = "drag a table to move it · drag elsewhere to pan · wheel to zoom · click a table to select it · double-click a column to edit it";
  const stage = document.createElement("div");
  stage.className = "dbm-erd-stage";
  const minimap = document.createElement("div");
  minimap.className = "dbm-erd-minimap";
  minimap.title = "the whole diagram: click or drag to move the view";
  // the tables' boxes, not a second copy of the drawing: decoding the whole SVG as an image took
  // more of the page's time per edit (~70 ms at 40 tables) than drawing it
  const miniSvg = document.createElementNS(SVG_NS, "svg");
  miniSvg.setAttribute("class", "dbm-erd-minimap-picture");
  miniSvg.setAttribute("role", "img");
  miniSvg.setAttribute("aria-label", "the whole diagram");
  const miniBox = document.createElement("div");
  miniBox.className = "dbm-erd-minimap-view";
  minimap.append(miniSvg, miniBox);
  const legend = document.createElement("div");
  legend.className = "dbm-popover dbm-erd-legend";
  legend.hidden = true;
  viewport.append(stage, minimap, legend);
  el.append(toolbar, viewport);

  let scale = 1, tx = 0, ty = 0;
  // the viewport's size, kept by a ResizeObserver: reading clientWidth right after a new drawing is
  // inserted would force the browser to lay the whole page out there and then (a large SVG: most of
  // an edit's time in the page), and again when it paints
  let vw = 0, vh = 0;
  const measure = () => { vw = viewport.clientWidth; vh = viewport.clientHeight; };
  let userView = false; // the person zoomed or panned: keep their view, do not refit
  let anchor = null; // a table just dropped: keep it where it was dropped when the new drawing comes
  let resetTimer = null;
  const apply = () => {
    stage.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
    updateMinimap();
  };

  const svgEl = () => stage.querySelector("svg");
  const tablesSet = () => new Set(model.get("tables"));
  // the drawing's size from its width/height attributes (Graphviz writes them in pt), no layout needed
  const svgSize = () => {
    const svg = svgEl();
    if (!svg) return null;
    const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    return w && h ? { w, h } : null;
  };

  // a table's centre in the drawing's CSS pixels at scale 1 (from its outline's points: no layout)
  const tableCentre = (name) => {
    const svg = svgEl(), size = svgSize();
    const node = name && svg && svg.querySelector(`g.node[id="table:${CSS.escape(name)}"]`);
    if (!node || !size) return null;
    const vb = svg.viewBox.baseVal, graph = svg.querySelector(":scope > g");
    const m = /translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)/.exec((graph && graph.getAttribute("transform")) || "");
    const b = boxOf(node), gx = m ? Number(m[1]) : 0, gy = m ? Number(m[2]) : 0;
    const kx = vb && vb.width ? size.w / vb.width : 1, ky = vb && vb.height ? size.h / vb.height : 1;
    return { x: (b.x + b.width / 2 + gx - (vb ? vb.x : 0)) * kx, y: (b.y + b.height / 2 + gy - (vb ? vb.y : 0)) * ky };
  };

  const fit = () => {
    const size = svgSize();
    if (!size || !vw || !vh) return false;
    const whole = Math.min(vw / size.w, vh / size.h) * 0.96;
    scale = Math.min(FIT_MAX, Math.max(MIN_SCALE, whole));
    tx = (vw - size.w * scale) / 2;
    ty = (vh - size.h * scale) / 2;
    // too big to show whole at a readable size: the selected table in the middle of the view (an
    // edge of the drawing may be empty space), or the top left when none is selected
    const at = (size.w * scale > vw || size.h * scale > vh) ? tableCentre(model.get("selected")) : null;
    if (size.w * scale > vw) tx = at ? Math.min(8, Math.max(vw - 8 - size.w * scale, vw / 2 - at.x * scale)) : 8;
    if (size.h * scale > vh) ty = at ? Math.min(8, Math.max(vh - 8 - size.h * scale, vh / 2 - at.y * scale)) : 8;
    apply();
    return true;
  };

  const zoomAt = (factor, cx, cy) => {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    tx = cx - ((cx - tx) * next) / scale;
    ty = cy - ((cy - ty) * next) / scale;
    scale = next;
    userView = true;
    apply();
  };

  // -- minimap: the whole drawing and the part in view, when the view does not show it all
  let miniStale = true;
  const updateMinimap = () => {
    const size = svgSize();
    const all = !size || (tx >= -1 && ty >= -1 && tx + size.w * scale <= vw + 1 && ty + size.h * scale <= vh + 1);
    minimap.hidden = all;
    if (all) return;
    if (miniStale) {
      miniStale = false;
      drawMinimap();
    }
    const k = Math.min(160 / size.w, 110 / size.h);
    minimap.style.width = `${size.w * k}px`;
    minimap.style.height = `${size.h * k}px`;
    const x0 = Math.max(0, -tx / scale), y0 = Math.max(0, -ty / scale);
    const x1 = Math.min(size.w, (vw - tx) / scale), y1 = Math.min(size.h, (vh - ty) / scale);
    Object.assign(miniBox.style, {
      left: `${x0 * k}px`, top: `${y0 * k}px`, width: `${Math.max(2, (x1 - x0) * k)}px`, height: `${Math.max(2, (y1 - y0) * k)}px`,
    });
    minimap.dataset.k = String(k);
  };
  // one rectangle per table (the selected one in the outline colour), in the drawing's own units
  const drawMinimap = () => {
    const svg = svgEl(), graph = svg && svg.querySelector(":scope > g"), size = svgSize();
    if (!svg || !size) return;
    const tables = tablesSet(), selected = model.get("selected");
    miniSvg.setAttribute("viewBox", svg.getAttribute("viewBox") || `0 0 ${size.w} ${size.h}`);
    const g = document.createElementNS(SVG_NS, "g");
    if (graph && graph.getAttribute("transform")) g.setAttribute("transform", graph.getAttribute("transform"));
    for (const node of stage.querySelectorAll("g.node")) {
      const name = (node.id || "").startsWith("table:") ? tableOf(node, tables) : null;
      if (!name) continue;
      const b = boxOf(node), r = document.createElementNS(SVG_NS, "rect");
      r.setAttribute("x", b.x);
      r.setAttribute("y", b.y);
      r.setAttribute("width", b.width);
      r.setAttribute("height", b.height);
      if (name === selected) r.setAttribute("class", "dbm-mini-sel");
      g.appendChild(r);
    }
    miniSvg.replaceChildren(g);
  };
  const centreOnMinimap = (e) => {
    const k = Number(minimap.dataset.k || 1);
    const r = minimap.getBoundingClientRect();
    const x = (e.clientX - r.left) / k, y = (e.clientY - r.top) / k;
    tx = vw / 2 - x * scale;
    ty = vh / 2 - y * scale;
    userView = true;
    apply();
  };
  let miniDrag = false;
  minimap.addEventListener("pointerdown", (e) => {
    e.stopPropagation();
    miniDrag = true;
    minimap.setPointerCapture(e.pointerId);
    centreOnMinimap(e);
  });
  minimap.addEventListener("pointermove", (e) => { if (miniDrag) centreOnMinimap(e); });
  minimap.addEventListener("pointerup", () => { miniDrag = false; });

  // -- selection: the selected table and its neighbours outlined (a box around each whole table)
  let outlineLater = false;
  // a table's box from its outline polygons' points (no layout needed, unlike getBBox); kept per
  // element, as a part's element is kept only while its markup stays the same
  const boxes = new WeakMap();
  const boxOf = (node) => {
    let box = boxes.get(node);
    if (!box) {
      box = pointsBox(node);
      if (box.width) boxes.set(node, box);
    }
    return box;
  };
  const pointsBox = (node) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of node.querySelectorAll(":scope > polygon")) {
      const nums = (p.getAttribute("points") || "").split(/[ ,]+/).filter(Boolean).map(Number);
      for (let i = 0; i + 1 < nums.length; i += 2) {
        x0 = Math.min(x0, nums[i]); x1 = Math.max(x1, nums[i]);
        y0 = Math.min(y0, nums[i + 1]); y1 = Math.max(y1, nums[i + 1]);
      }
    }
    return x0 < x1 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : node.getBBox(); // a stub is a path
  };
  const outline = (node, cls) => {
    const bb = boxOf(node);
    if (!bb.width) { // not laid out yet (the view is drawn before it is attached to the page)
      if (!outlineLater) { outlineLater = true; requestAnimationFrame(() => { outlineLater = false; highlight(); }); }
      return;
    }
    const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    r.setAttribute("class", cls);
    r.setAttribute("x", bb.x - 3);
    r.setAttribute("y", bb.y - 3);
    r.setAttribute("width", bb.width + 6);
    r.setAttribute("height", bb.height + 6);
    r.setAttribute("rx", 4);
    node.parentNode.insertBefore(r, node.nextSibling);
  };
  const highlight = () => {
    const tables = new Set(model.get("tables"));
    const selected = model.get("selected");
    const near = new Set(model.get("neighbours"));
    const any = Boolean(selected) && tables.has(selected);
    for (const box of stage.querySelectorAll("rect.dbm-sel-box, rect.dbm-nb-box")) box.remove();
    for (const node of stage.querySelectorAll("g.node")) {
      const name = tableOf(node, tables);
      const sel = any && name === selected, nb = any && near.has(name);
      node.classList.toggle("dbm-sel", sel);
      node.classList.toggle("dbm-nb", nb);
      node.classList.toggle("dbm-dim", any && !sel && !nb);
      if (name && node.getAttribute("data-dbm-table") !== name) node.setAttribute("data-dbm-table", name);
      if (sel) outline(node, "dbm-sel-box");
      else if (nb && (node.id || "").startsWith("table:")) outline(node, "dbm-nb-box");
    }
    for (const edge of stage.querySelectorAll("g.edge")) {
      const ends = edgeEnds(edge);
      const on = any && ends.includes(selected);
      edge.classList.toggle("dbm-edge-hi", on);
      edge.classList.toggle("dbm-dim", any && !on);
    }
  };

  // -- a new drawing: the parts whose markup did not change keep their elements (a column added
  // to one table leaves most tables and lines where they were), so the browser parses, styles, lays
  // out and paints only what changed. Laying out a whole 40-table drawing again (its ~950 texts) was
  // most of the page's time per edit.
  // Graphviz's origin is the drawing's bottom left corner: when an edit grows the drawing at its
  // bottom (or left) edge, every coordinate in the markup moves by one offset, and the graph group's
  // translate makes up for it (nothing moves on screen), or everything but the edited table moves
  // by a few points. Then the parts are matched up to that offset: the elements kept, the graph
  // group's translate changed by it, and the view's coordinates differ from the markup's by
  // `frame` (hundredths of a point: view = markup - frame), which the changed parts are parsed
  // in, and which a drag adds back before it reports positions.
  let drawn = new Map(); // a part's markup (the kernel's) -> its elements in the stage (the same markup may repeat)
  let frame = { x: 0, y: 0 };
  const holder = document.createElement("div"); // parses markup without styling or laying it out
  const parse = (svgOpen, graphOpen, parts) => {
    holder.innerHTML = svgOpen + graphOpen + parts.join("") + "</g></svg>";
    const svg = holder.firstElementChild, graph = svg && svg.firstElementChild;
    holder.replaceChildren();
    return graph && graph.children.length === parts.length ? { svg, graph, elements: [...graph.children] } : null;
  };
  const swap = (text) => {
    const cut = svgParts(text);
    const svg = svgEl(), graph = svg && svg.querySelector(":scope > g");
    const next = new Map();
    const remember = (part, element) => {
      const list = next.get(part);
      if (list) list.push(element); else next.set(part, [element]);
    };
    if (cut && svg && graph) {
      const n = cut.parts.length, match = new Array(n).fill(null);
      let exact = 0;
      cut.parts.forEach((part, k) => {
        const old = drawn.get(part);
        if (old && old.length) { match[k] = old.shift(); exact += 1; }
      });
      let to = frame, kept = exact;
      if (exact * 2 < n) { // most parts changed: maybe all moved by one offset
        const moved = matchMoved(cut.parts, match, exact);
        if (moved) {
          match.fill(null);
          for (const [k, element] of moved.kept) match[k] = element;
          to = { x: frame.x + moved.x, y: frame.y + moved.y };
          kept = moved.kept.length;
        }
      }
      if (kept * 4 < n) { // (nearly) all of it new (another theme): in the markup's own frame again
        match.fill(null);
        to = { x: 0, y: 0 };
      }
      const fresh = [], order = [];
      let graphOpen = cut.graphOpen;
      if (to.x || to.y) {
        graphOpen = moveTranslate(graphOpen, to);
        for (let k = 0; k < n && graphOpen; k++) {
          if (match[k]) continue;
          const moved = shiftCoords(cut.parts[k], -to.x, -to.y);
          if (moved === null) graphOpen = null; else fresh.push(moved);
        }
      } else cut.parts.forEach((part, k) => { if (!match[k]) fresh.push(part); });
      const made = graphOpen && parse(cut.svgOpen, graphOpen, fresh);
      if (made && made.graph.id === graph.id) {
        const kept = new Set(match.filter(Boolean));
        copyAttributes(made.svg, svg);
        copyAttributes(made.graph, graph);
        for (const node of [...graph.childNodes]) if (!kept.has(node)) node.remove();
        for (const element of kept) { // the page's own marks from before (a drag): not in the markup
          if (element.hasAttribute("transform")) element.removeAttribute("transform");
          if (element.classList.contains("dbm-drag-faded")) element.classList.remove("dbm-drag-faded");
        }
        // in the new order, moving only what is out of place (a moved element is laid out again)
        let ref = graph.firstChild, i = 0;
        cut.parts.forEach((part, k) => {
          const element = match[k] || made.elements[i++];
          if (element === ref) ref = ref.nextSibling;
          else graph.insertBefore(element, ref);
          remember(part, element);
        });
        drawn = next;
        frame = to;
        el.dataset.partsKept = `${kept.size}/${n}`; // read by the latency benchmark
        el.dataset.frame = `${frame.x} ${frame.y}`; // read by the swap test
        return;
      }
    }
    // the first drawing, or one of another shape: replace it whole
    stage.innerHTML = text;
    const fresh = svgEl(), inner = fresh && fresh.querySelector(":scope > g");
    if (cut && inner && inner.children.length === cut.parts.length) cut.parts.forEach((part, k) => remember(part, inner.children[k]));
    drawn = next;
    frame = { x: 0, y: 0 };
    el.dataset.partsKept = `0/${cut ? cut.parts.length : 0}`;
    el.dataset.frame = "0 0";
  };
  // The old elements not matched exactly whose markup is a new part's moved by one offset: the
  // offset most parts share (the exactly matched ones count for no offset), and the parts that have
  // it, as [part index, element]; null when no offset beats keeping the exact matches.
  const matchMoved = (parts, match, exact) => {
    const byShape = new Map();
    for (const [part, elements] of drawn) {
      if (!elements.length) continue;
      const shape = shapeOf(part);
      if (!shape) continue;
      const list = byShape.get(shape.key) || [];
      for (const element of elements) list.push([element, shape]);
      byShape.set(shape.key, list);
    }
    const found = [], votes = new Map();
    parts.forEach((part, k) => {
      if (match[k]) return;
      const shape = shapeOf(part), list = shape && byShape.get(shape.key);
      if (!list || !list.length) return;
      const [element, old] = list.shift();
      const dx = shape.x - old.x, dy = shape.y - old.y, vote = `${dx} ${dy}`;
      found.push([k, element, dx, dy]);
      votes.set(vote, (votes.get(vote) || 0) + 1);
    });
    let best = null, most = exact;
    for (const [vote, count] of votes) if (count > most && vote !== "0 0") { best = vote; most = count; }
    if (!best) return null;
    const [x, y] = best.split(" ").map(Number);
    return { x, y, kept: found.filter(([, , dx, dy]) => dx === x && dy === y).map(([k, element]) => [k, element]) };
  };

  let lastSize = null;
  const show = () => {
    const t0 = performance.now();
    clearTimeout(resetTimer);
    swap(model.get("svg"));
    const size = svgSize();
    const resized = !lastSize || !size || Math.abs(size.w - lastSize.w) > 0.5 || Math.abs(size.h - lastSize.h) > 0.5;
    lastSize = size;
    if (anchor) {
      // keep the table just dropped under the pointer: the drawing's origin moves with its extent
      const node = stage.querySelector(`g.node[id="table:${CSS.escape(anchor.table)}"]`);
      if (node) {
        const r = node.getBoundingClientRect();
        tx += anchor.x - (r.left + r.width / 2);
        ty += anchor.y - (r.top + r.height / 2);
      }
      anchor = null;
      apply();
    } else if (!userView && resized) fit();
    else apply();
    highlight();
    autoBtn.disabled = !model.get("placed");
    miniStale = true; // the minimap's picture is made when it is shown
    updateMinimap();
    el.dataset.showMs = (performance.now() - t0).toFixed(1); // read by the latency benchmark
  };

  viewport.style.height = model.get("height");
  legend.innerHTML = "<h4>Row flags</h4><table>" + model.get("legend").map(
    ([flag, meaning]) => `<tr><td><b>${flag.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</b></td><td>${meaning.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</td></tr>`).join("")
    + "</table><h4>Lines</h4><p>solid: identifying (the key includes the FK) · dashed: non-identifying · "
    + "crow's foot: many · bar: one · ring: optional</p>";
  show();
  requestAnimationFrame(() => { measure(); if (!userView) fit(); else updateMinimap(); });

  // refit when the viewport changes size (the notebook was resized, the file browser toggled)
  const resizer = new ResizeObserver(() => { measure(); if (!userView) fit(); else updateMinimap(); });
  resizer.observe(viewport);

  // -- zoom
  viewport.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = viewport.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  zoomIn.addEventListener("click", () => zoomAt(1.25, vw / 2, vh / 2));
  zoomOut.addEventListener("click", () => zoomAt(0.8, vw / 2, vh / 2));
  fitBtn.addEventListener("click", () => { userView = false; fit(); });
  autoBtn.addEventListener("click", () => { userView = false; model.send({ command: "auto-layout" }); });
  legendBtn.addEventListener("click", () => { legend.hidden = !legend.hidden; });

  // -- drag: a table moves it, empty space pans
  let drag = null;
  viewport.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest(".dbm-popover, .dbm-erd-minimap")) return;
    const node = e.target instanceof Element ? e.target.closest("g.node") : null;
    const name = node && (node.id || "").startsWith("table:") ? tableOf(node, tablesSet()) : null;
    drag = { x: e.clientX, y: e.clientY, tx, ty, moved: false, node: name ? node : null, table: name };
  });
  const edgesOf = (table) => [...stage.querySelectorAll("g.edge")].filter((g) => edgeEnds(g).includes(table));
  const onMove = (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      if (drag.node) {
        drag.ctm = drag.node.getScreenCTM();
        drag.edges = edgesOf(drag.table);
        for (const g of drag.edges) g.classList.add("dbm-drag-faded");
        for (const box of stage.querySelectorAll("rect.dbm-sel-box, rect.dbm-nb-box")) box.remove();
        viewport.classList.add("dbm-moving");
      } else viewport.classList.add("dbm-panning");
    }
    if (drag.node) {
      drag.node.setAttribute("transform", `translate(${dx / drag.ctm.a} ${dy / drag.ctm.d})`);
    } else {
      tx = drag.tx + dx;
      ty = drag.ty + dy;
      userView = true;
      apply();
    }
  };
  const onUp = (e) => {
    if (drag && drag.moved) {
      // swallow the click that ends a drag
      viewport.addEventListener("click", (ev) => ev.stopPropagation(), { capture: true, once: true });
      if (drag.node) drop(drag, e.clientX - drag.x, e.clientY - drag.y);
    }
    drag = null;
    viewport.classList.remove("dbm-panning", "dbm-moving");
  };
  const drop = (d, sdx, sdy) => {
    const tables = tablesSet();
    const box = d.node.getBBox();
    const others = [...stage.querySelectorAll("g.node")].filter((g) => g !== d.node).map((g) => g.getBBox());
    const [ux, uy] = freeDelta(box, sdx / d.ctm.a, sdy / d.ctm.d, others);
    d.node.setAttribute("transform", `translate(${ux} ${uy})`);
    // each drawn table's centre in points, y up (the SVG's user units inside the graph: y down)
    const drawn = {};
    for (const g of stage.querySelectorAll("g.node")) {
      if (!(g.id || "").startsWith("table:")) continue;
      const name = tableOf(g, tables);
      if (!name) continue;
      const b = g === d.node ? box : g.getBBox();
      // in the markup's frame (the view's differs by `frame` after a drawing that moved as a whole)
      drawn[name] = [b.x + b.width / 2 + frame.x / 100, -(b.y + b.height / 2 + frame.y / 100)];
    }
    const r = d.node.getBoundingClientRect();
    anchor = { table: d.table, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    userView = true; // the person is arranging the diagram: keep the view steady
    model.send({ command: "move", table: d.table, delta: [ux, -uy], drawn });
    // the kernel may refuse the move: put the table back unless a new drawing arrives
    resetTimer = setTimeout(() => { anchor = null; d.node.removeAttribute("transform"); highlight(); }, 5000);
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);

  // -- click selects a table (a synced trait, so the kernel's panels follow)
  viewport.addEventListener("click", (e) => {
    const node = e.target instanceof Element ? e.target.closest("g.node") : null;
    if (!node) return;
    const name = tableOf(node, tablesSet());
    if (!name) return;
    model.set("selected", name);
    model.save_changes();
  });

  // -- double-click on a column row opens it in the editor
  viewport.addEventListener("dblclick", (e) => {
    const node = e.target instanceof Element ? e.target.closest("g.node") : null;
    if (!node || !(node.id || "").startsWith("table:")) return;
    const table = tableOf(node, tablesSet());
    if (!table) return;
    const svg = svgEl();
    const pt = svg.createSVGPoint();
    pt.x = e.clientX;
    pt.y = e.clientY;
    const p = pt.matrixTransform(node.getScreenCTM().inverse());
    let best = null, dist = 12;
    for (const cell of node.querySelectorAll('g[id^="a_col:"]')) {
      const b = cell.getBBox();
      const d = Math.abs(b.y + b.height / 2 - p.y);
      if (d < dist) { dist = d; best = cell; }
    }
    if (!best) return;
    const prefix = `a_col:${table}.`;
    if (!best.id.startsWith(prefix)) return;
    e.preventDefault();
    model.set("selected", table);
    model.save_changes();
    model.send({ command: "edit", table, column: best.id.slice(prefix.length) });
  });

  // -- keyboard actions the Designer's shortcuts ask for (a DOM event inside the same Designer)
  const onAction = (e) => {
    const scope = e.detail && e.detail.scope;
    if (!scope || !scope.contains(el)) return;
    const cx = vw / 2, cy = vh / 2;
    if (e.detail.action === "fit") { userView = false; fit(); }
    else if (e.detail.action === "zoom-in") zoomAt(1.25, cx, cy);
    else if (e.detail.action === "zoom-out") zoomAt(0.8, cx, cy);
    else if (e.detail.action === "legend") legend.hidden = !legend.hidden;
    else if (e.detail.action === "escape") legend.hidden = true;
  };
  window.addEventListener("dbm-erd-action", onAction);

  // -- follow JupyterLab's light/dark theme
  const report = () => {
    const t = pageTheme();
    if (model.get("page_theme") !== t) {
      model.set("page_theme", t);
      model.save_changes();
    }
  };
  report();
  const observer = new MutationObserver(report);
  if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });

  const onSvg = () => show();
  const onSel = () => { highlight(); miniStale = true; updateMinimap(); };
  const onHeight = () => { viewport.style.height = model.get("height"); };
  const onPlaced = () => { autoBtn.disabled = !model.get("placed"); };
  model.on("change:svg", onSvg);
  model.on("change:selected", onSel);
  model.on("change:neighbours", onSel);
  model.on("change:height", onHeight);
  model.on("change:placed", onPlaced);
  return () => {
    observer.disconnect();
    resizer.disconnect();
    clearTimeout(resetTimer);
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    window.removeEventListener("dbm-erd-action", onAction);
    model.off("change:svg", onSvg);
    model.off("change:selected", onSel);
    model.off("change:neighbours", onSel);
    model.off("change:height", onHeight);
    model.off("change:placed", onPlaced);
  };
}

export default { render };
