// The panels' page side (loaded by the Style widget each panel carries; it draws nothing).
//
// A form button's click carries the form as the page shows it. An ipywidgets Button sends its click
// at once, while a field's new value can be held back or handled later: ipywidgets keeps a field's
// update in the page while the kernel has not finished with the field's last one, and a kernel with
// comms over subshells (JupyterLab 4.4+, ipykernel 7) can handle the button's message on another
// thread than the field's. Either way the kernel's handler could read a field as it was before the
// person typed or pasted into it. So a click on a `button.dbm-form-button` is sent here instead, on
// the button's own comm, as {event: "click", state: [[model_id, key, value, labels?], ...]} with
// the current page value of every field the button lists in its `form_fields` ([widget, key]
// pairs); the kernel (FormButton in _common.py) sets those fields from it, then runs the click.

const PREFIX = "dbm-model-";

function render({ model, el }) {
  el.style.display = "none";
  const manager = model.widget_manager;
  if (!manager || typeof manager.get_model !== "function") return undefined;

  const send = async (id) => {
    const button = await manager.get_model(id);
    const state = [];
    for (const [ref, key] of button.get("form_fields") || []) {
      const fid = String(ref).replace(/^IPY_MODEL_/, "");
      if (typeof manager.has_model === "function" && !manager.has_model(fid)) continue;
      const field = await manager.get_model(fid);
      const entry = [fid, key, field.get(key)];
      if (key === "index") entry.push(field.get("_options_labels")); // an index means something only with its options
      state.push(entry);
      // the update ipywidgets holds back for this field is in the click now: sent later, it would
      // undo what the click's handler does to the field (an add empties the form)
      const held = field._msg_buffer;
      if (held && Object.prototype.hasOwnProperty.call(held, key)) {
        delete held[key];
        if (Object.keys(held).length === 0) field._msg_buffer = null;
      }
    }
    button.send({ event: "click", state });
  };

  const onClick = (event) => {
    if (event.dbmFormClick) return; // one message per click, however many panels the page shows
    const button = event.target instanceof Element ? event.target.closest("button.dbm-form-button") : null;
    if (!button || button.disabled) return;
    const cls = [...button.classList].find((c) => c.startsWith(PREFIX));
    const id = cls && cls.slice(PREFIX.length);
    // another notebook's button belongs to that notebook's widget manager (and its panels' listener)
    if (!id || (typeof manager.has_model === "function" && !manager.has_model(id))) return;
    event.dbmFormClick = true;
    // capture phase on window: the button's own view (which would send a bare click) never sees it
    event.stopPropagation();
    event.preventDefault();
    send(id).catch((e) => console.error("dbmodel-kit: could not send the form with the click", e));
  };
  window.addEventListener("click", onClick, true);
  return () => window.removeEventListener("click", onClick, true);
}

export default { render };
