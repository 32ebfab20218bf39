// The ERD view: shows the kernel-rendered SVG, zoom (wheel, buttons) and pan (drag), a click on a
// table sets the synced trait `selected`, the selected table and its neighbours are highlighted,
// and the JupyterLab light/dark theme is reported back in `page_theme`.

const MIN_SCALE = 0.1;
const MAX_SCALE = 8;

// dbmodel_kit.erd gives every SVG element an id: tables "table:<name>", stubs (tables just outside
// a focus) "stub:<name>" or "stub:<name>:more", foreign keys "fk:<child>.<cols>-><parent>.<cols>".
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

function render({ model, el }) {
  el.classList.add("dbm-erd");
  const toolbar = document.createElement("div");
  toolbar.className = "dbm-erd-toolbar";
  const mk = (label, title, cls) => {
    const b = document.createElement("button");
    b.textContent = label;
    b.title = title;
    b.className = "dbm-erd-btn " + cls;
    toolbar.appendChild(b);
    return b;
  };
  const zoomIn = mk("+", "Zoom in", "dbm-erd-zoom-in");
  const zoomOut = mk("−", "Zoom out", "dbm-erd-zoom-out");
  const fitBtn = mk("Fit", "Fit the whole diagram", "dbm-erd-fit");
  const hint = document.createElement("span");
  hint.className = "dbm-erd-hint";
  hint.textContent = "wheel: zoom · drag: pan · click a table to select it";
  toolbar.appendChild(hint);

  const viewport = document.createElement("div");
  viewport.className = "dbm-erd-viewport";
  viewport.tabIndex = 0; // focusable, so keyboard shortcuts apply after clicking the diagram
  const stage = document.createElement("div");
  stage.className = "dbm-erd-stage";
  viewport.appendChild(stage);
  el.append(toolbar, viewport);

  let scale = 1, tx = 0, ty = 0, fitted = false;
  const apply = () => { stage.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`; };

  const svgSize = () => {
    const svg = stage.querySelector("svg");
    if (!svg) return null;
    const w = svg.width.baseVal.value || svg.getBBox().width;
    const h = svg.height.baseVal.value || svg.getBBox().height;
    return { w, h };
  };

  const fit = () => {
    const size = svgSize();
    const vw = viewport.clientWidth, vh = viewport.clientHeight;
    if (!size || !vw || !vh) return false;
    scale = Math.min(1.5, Math.max(MIN_SCALE, Math.min(vw / size.w, vh / size.h) * 0.95));
    tx = (vw - size.w * scale) / 2;
    ty = Math.max(0, (vh - size.h * scale) / 2);
    apply();
    return true;
  };

  const zoomAt = (factor, cx, cy) => {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    tx = cx - ((cx - tx) * next) / scale;
    ty = cy - ((cy - ty) * next) / scale;
    scale = next;
    apply();
  };

  const highlight = () => {
    const tables = new Set(model.get("tables"));
    const selected = model.get("selected");
    const near = new Set(model.get("neighbours"));
    const any = Boolean(selected) && tables.has(selected);
    for (const node of stage.querySelectorAll("g.node")) {
      const name = tableOf(node, tables);
      node.classList.toggle("dbm-sel", any && name === selected);
      node.classList.toggle("dbm-nb", any && near.has(name));
      node.classList.toggle("dbm-dim", any && name !== selected && !near.has(name));
      if (name) node.setAttribute("data-dbm-table", name);
    }
    for (const edge of stage.querySelectorAll("g.edge")) {
      const ends = edgeEnds(edge);
      const on = any && ends.includes(selected);
      edge.classList.toggle("dbm-edge-hi", on);
      edge.classList.toggle("dbm-dim", any && !on);
    }
  };

  const show = () => {
    stage.innerHTML = model.get("svg");
    // fit the first drawing; later drawings keep the person's zoom and pan
    if (!fitted) fitted = fit();
    else apply();
    highlight();
  };

  viewport.style.height = model.get("height");
  show();
  if (!fitted) requestAnimationFrame(() => { fitted = fit(); });

  // -- zoom and pan
  viewport.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = viewport.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  zoomIn.addEventListener("click", () => zoomAt(1.25, viewport.clientWidth / 2, viewport.clientHeight / 2));
  zoomOut.addEventListener("click", () => zoomAt(0.8, viewport.clientWidth / 2, viewport.clientHeight / 2));
  fitBtn.addEventListener("click", () => { fitted = fit(); });

  let drag = null;
  viewport.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, tx, ty, moved: false };
  });
  const onMove = (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true;
    viewport.classList.add("dbm-panning");
    tx = drag.tx + dx;
    ty = drag.ty + dy;
    apply();
  };
  const onUp = () => {
    if (drag && drag.moved) {
      // swallow the click that ends a drag
      viewport.addEventListener("click", (ev) => ev.stopPropagation(), { capture: true, once: true });
    }
    drag = null;
    viewport.classList.remove("dbm-panning");
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);

  // -- click selects a table (a synced trait, so the kernel's panels follow)
  viewport.addEventListener("click", (e) => {
    const node = e.target instanceof Element ? e.target.closest("g.node") : null;
    if (!node) return;
    const name = tableOf(node, new Set(model.get("tables")));
    if (!name) return;
    model.set("selected", name);
    model.save_changes();
  });

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
  const onSel = () => highlight();
  const onHeight = () => { viewport.style.height = model.get("height"); };
  model.on("change:svg", onSvg);
  model.on("change:selected", onSel);
  model.on("change:neighbours", onSel);
  model.on("change:height", onHeight);
  return () => {
    observer.disconnect();
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    model.off("change:svg", onSvg);
    model.off("change:selected", onSel);
    model.off("change:neighbours", onSel);
    model.off("change:height", onHeight);
  };
}

export default { render };
