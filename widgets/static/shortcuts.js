// Keyboard shortcuts and their help for the Designer. Acts only on key presses inside the Designer,
// so the notebook keeps its own shortcuts elsewhere; inside text fields the browser's own keys win
// (Escape aside). Edits go to the kernel as messages ({command}); view actions (fit, zoom, legend)
// go to the ERD view of the same Designer as a DOM event.

const KEYS = [
  // [keys shown, what it does, command, how: "kernel" | "view" | "help"]
  ["Ctrl+Z", "undo", "undo", "kernel"],
  ["Ctrl+Shift+Z, Ctrl+Y", "redo", "redo", "kernel"],
  ["N", "new table: type its name", "new-table", "kernel"],
  ["C", "new column in the selected table", "new-column", "kernel"],
  ["Delete", "drop the selected table (Ctrl+Z brings it back)", "delete", "kernel"],
  ["F", "focus the diagram on the selected table, again for the whole schema", "focus", "kernel"],
  ["0", "fit the diagram to the view", "fit", "view"],
  ["+ / −", "zoom in / out", "zoom", "view"],
  ["L", "legend of the row flags", "legend", "view"],
  ["?", "this help", "help", "help"],
  ["Esc", "close the help and the legend", "escape", "help"],
];
const MOUSE = [
  ["click a table", "select it (the panels follow)"],
  ["drag a table", "move it; its place is kept in the model file"],
  ["drag empty space", "pan"],
  ["wheel", "zoom"],
  ["double-click a column", "edit it"],
];

function isTextField(target) {
  const tag = (target && target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

function commandFor(event) {
  const key = event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  if (event.altKey) return null;
  if (ctrl) {
    const k = key.toLowerCase();
    if (k === "z") return event.shiftKey ? "redo" : "undo";
    if (k === "y" && !event.shiftKey) return "redo";
    return null;
  }
  if (key === "Escape") return "escape";
  if (isTextField(event.target)) return null;
  const single = { n: "new-table", N: "new-table", c: "new-column", C: "new-column", f: "focus", F: "focus",
    "0": "fit", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "−": "zoom-out", l: "legend", L: "legend",
    "?": "help", Delete: "delete" };
  return single[key] || null;
}

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

function render({ model, el }) {
  el.classList.add("dbm-shortcuts");
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = "dbm-keys-btn";
  btn.textContent = "? Help";
  btn.title = "Keyboard shortcuts and mouse gestures (?)";
  const pop = document.createElement("div");
  pop.className = "dbm-popover dbm-help";
  pop.hidden = true;
  pop.innerHTML = "<h4>Keys</h4><p>(click the diagram or a button of the Designer first)</p><table>"
    + KEYS.map(([k, what]) => `<tr><td>${k.split(", ").map((x) => `<kbd>${esc(x)}</kbd>`).join(" ")}</td><td>${esc(what)}</td></tr>`).join("")
    + "</table><h4>Mouse</h4><table>"
    + MOUSE.map(([k, what]) => `<tr><td>${esc(k)}</td><td>${esc(what)}</td></tr>`).join("") + "</table>";
  pop.style.right = "0";
  pop.style.top = "calc(100% + 4px)";
  el.append(btn, pop);
  btn.addEventListener("click", () => { pop.hidden = !pop.hidden; });

  const selector = "." + model.get("scope");
  const viewAction = (scope, action) => window.dispatchEvent(new CustomEvent("dbm-erd-action", { detail: { scope, action } }));
  // focus a field of the Designer once the kernel has shown it (it may first switch tabs)
  const focusWhenShown = (scope, css) => {
    const until = performance.now() + 3000;
    const tick = () => {
      const input = scope.querySelector(css);
      if (input && input.offsetParent !== null) { input.focus(); if (input.select) input.select(); return; }
      if (performance.now() < until) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };

  const onKey = (event) => {
    // the view is attached to the page after render(), so find the Designer at key time
    const scope = el.closest(selector);
    if (!scope || !(event.target instanceof Node) || !scope.contains(event.target)) return;
    const t = event.target;
    if (event.key === "Enter" && t.matches && t.matches("input.jupyter-widget-taginput") && t.value.trim()) {
      // ipywidgets' TagsInput adds what was typed on the input's "change" event, which Enter does not
      // fire inside a JupyterLab notebook (only leaving the field did): Enter commits the name here
      t.dispatchEvent(new Event("change"));
      return;
    }
    const command = commandFor(event);
    if (!command || event.dbmHandled) return;
    event.dbmHandled = true; // one step per key press, however many views of this widget are shown
    if (command === "escape") {
      if (pop.hidden && !scope.querySelector(".dbm-erd-legend:not([hidden])")) return; // nothing open: let Esc through
      pop.hidden = true;
      viewAction(scope, "escape");
    } else if (command === "help") pop.hidden = !pop.hidden;
    else if (["fit", "zoom-in", "zoom-out", "legend"].includes(command)) viewAction(scope, command);
    else {
      model.send({ command });
      if (command === "new-table") focusWhenShown(scope, ".dbm-new-table input");
      if (command === "new-column") focusWhenShown(scope, ".dbm-col-name input");
    }
    // JupyterLab binds many of these keys too (Ctrl+Z undoes a cell edit, 0 0 restarts the kernel,
    // F finds, C copies a cell); inside the Designer they are the Designer's.
    event.preventDefault();
    event.stopPropagation();
  };
  // capture phase on window: runs before JupyterLab's document-level shortcut handling
  window.addEventListener("keydown", onKey, true);
  return () => window.removeEventListener("keydown", onKey, true);
}

export default { render };
