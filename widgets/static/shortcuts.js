// Undo/redo shortcuts for the Designer. Acts only on key presses inside the Designer, so the
// notebook keeps its own shortcuts elsewhere; inside text fields the browser's own text undo wins.
function isTextField(target) {
  const tag = (target && target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || (target && target.isContentEditable);
}

function render({ model, el }) {
  el.classList.add("dbm-shortcuts");
  el.textContent = "Ctrl+Z undo · Ctrl+Shift+Z redo";
  el.style.cssText = "font-size:11px;opacity:.7;align-self:center;margin:0 .5em";
  const selector = "." + model.get("scope");
  const onKey = (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextField(event.target)) return;
    // the view is attached to the page after render(), so find the Designer at key time
    const scope = el.closest(selector);
    if (!scope || !(event.target instanceof Node) || !scope.contains(event.target)) return;
    const key = event.key.toLowerCase();
    let command = null;
    if (key === "z") command = event.shiftKey ? "redo" : "undo";
    else if (key === "y" && !event.shiftKey) command = "redo";
    if (!command || event.dbmHandled) return;
    event.dbmHandled = true; // one step per key press, however many views of this widget are shown
    // JupyterLab binds Ctrl+Z too (cell undo); this edit belongs to the Designer.
    event.preventDefault();
    event.stopPropagation();
    model.send({ command });
  };
  // capture phase on window: runs before JupyterLab's document-level shortcut handling
  window.addEventListener("keydown", onKey, true);
  return () => window.removeEventListener("keydown", onKey, true);
}

export default { render };
