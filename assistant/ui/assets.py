"""Assets: the app's stylesheet and the page script (copy, [n] → reader, following the chat, the rating box).

The chat's messages are Markdown rendered by Gradio, so their buttons and [n] markers cannot carry
Python events: one document-level click listener finds the turn a click belongs to (the number of
user messages before it) and either copies that turn's plain text or presses a hidden button with
"turn:n" for the server to open the reader.
"""

CSS = """
.not-found { background: #fdecea; color: #b3261e; font-weight: 600; padding: 0 .45em; border-radius: 4px; margin-right: .3em; }
.searched, .notice, .source-path, .source-raw { color: var(--body-text-color-subdued); font-size: .9em; }
.searched { display: block; border-left: 3px solid var(--color-accent); padding-left: .5em; }
#chat sup.marker, #chat .source-open { color: var(--color-accent); font-weight: 600; cursor: pointer; }
#chat sup.marker:hover, #chat .source-open:hover { text-decoration: underline; }
#chat .source-open { font-size: .9em; }
#chat .copy-answer { display: inline-block; margin-top: .4em; padding: .1em .7em; border: 1px solid var(--border-color-primary);
  border-radius: 6px; background: var(--background-fill-secondary); color: var(--body-text-color); font-size: .85em; cursor: pointer; }
.source-text { color: var(--body-text-color); font-size: 1rem; line-height: 1.75; }
mark { background: #fff0a0; color: inherit; font-size: inherit; padding: 0 .1em; }
#outline .wrap:has(label) { flex-direction: column; flex-wrap: nowrap; align-items: stretch; max-height: 62vh; overflow-y: auto; gap: 2px; }
#outline label { justify-content: flex-start; white-space: pre-wrap; }
.reader-path, .reader-meta { color: var(--body-text-color-subdued); font-size: .9em; }
.reader-text { font-size: 1.08em; line-height: 1.8; }
.reader-context { margin-top: 1.2em; border-top: 1px solid var(--border-color-primary); }
.reader-context-item { line-height: 1.7; color: var(--body-text-color-subdued); }
.reader-context-item.current { background: #fff0a0; color: var(--body-text-color); }
#rating-box { position: fixed !important; z-index: 1000; width: 380px; max-width: calc(100vw - 16px);
  box-shadow: 0 6px 24px rgba(0, 0, 0, .18); border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
#search-all { align-self: flex-start; }
@media (max-width: 640px) {
  #ask-row { flex-wrap: wrap; }
  #ask-row > .form:has(#question) { flex: 1 1 100% !important; min-width: 100% !important; }
  #ask-row > button { flex: 1 1 40% !important; min-width: 0 !important; }
  #reader-row { flex-direction: column-reverse; }
  #reader-row > div { min-width: 100% !important; }
  #outline .wrap:has(label) { max-height: 40vh; }
}
"""

# Loaded once in the page's <head>: the phone margins, the click listener and the helpers the events call through js=.
HEAD = """<style>
/* Outside Gradio's .contain, which prefixes every rule of CSS: the page margins on a phone. */
@media (max-width: 640px) { .main.app { padding-left: 8px !important; padding-right: 8px !important; } }
</style>
<script>
(() => {
  const turnOf = (element) => {
    let turn = -1;
    document.querySelectorAll('#chat [data-testid=user]').forEach((user) => {
      if (user.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) turn += 1;
    });
    return turn;
  };
  const copyText = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch (error) {
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      const done = document.execCommand('copy'); area.remove(); return done;
    }
  };
  const scroller = (element) => {
    for (let box = element && element.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box).overflowY;
      if ((style === 'auto' || style === 'scroll') && box.scrollHeight > box.clientHeight + 1) return box;
    }
    return null;
  };
  // The newest question at the top of the chat's scroll box, the input box on screen.
  window.assistantFollow = () => setTimeout(() => {
    const users = document.querySelectorAll('#chat [data-testid=user]');
    const input = document.querySelector('#question');
    if (input) input.scrollIntoView({block: 'end'});
    const last = users[users.length - 1];
    const box = scroller(last);
    if (box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  }, 150);
  window.assistantScrollOutline = () => setTimeout(() => {
    const chosen = document.querySelector('#outline input:checked');
    const label = chosen && chosen.closest('label');
    const box = label && scroller(label);
    if (box) box.scrollTop += label.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  }, 250);
  window.assistantPlaceRating = () => setTimeout(() => {
    const box = document.getElementById('rating-box');
    const at = window.assistantRatedAt;
    if (!box || !at) return;
    const width = Math.min(380, window.innerWidth - 16);
    box.style.left = Math.max(8, Math.min(at.right - width, window.innerWidth - width - 8)) + 'px';
    let top = at.bottom + 6;
    if (top + box.offsetHeight > window.innerHeight - 8) top = Math.max(8, at.top - box.offsetHeight - 6);
    box.style.top = top + 'px';
    const area = box.querySelector('textarea');
    if (area) area.focus();
  }, 120);
  // A source's title is plain text ("[1] 《…》 …"): a click on its "[n]" opens the reader, elsewhere it folds the source.
  const titleMarker = (element, event) => {
    const title = element.closest('.thought-group .title');
    const at = title && document.caretRangeFromPoint && document.caretRangeFromPoint(event.clientX, event.clientY);
    if (!at || at.startContainer.nodeType !== Node.TEXT_NODE || !title.contains(at.startContainer)) return null;
    const found = at.startContainer.textContent.match(/^\\s*\\[\\d+\\]/);
    return found && at.startOffset <= found[0].length ? at.startContainer.parentElement : null;
  };
  document.addEventListener('click', (event) => {
    const element = event.target;
    if (!(element instanceof Element) || !element.closest('#chat')) return;
    const copy = element.closest('.copy-answer');
    if (copy) {
      event.preventDefault(); event.stopPropagation();
      const text = (window.assistantCopies || [])[turnOf(copy)] || '';
      copyText(text).then((done) => {
        copy.textContent = done ? '已复制' : '复制失败，请手动选择文字复制';
        setTimeout(() => { copy.textContent = '复制回答'; }, 2000);
      });
      return;
    }
    const marker = element.closest('sup.marker, .source-open') || titleMarker(element, event);
    if (marker) {
      event.preventDefault(); event.stopPropagation();
      const ref = (marker.textContent.match(/\\[(\\d+)\\]/) || [])[1];
      if (!ref) return;
      window.assistantTarget = turnOf(marker) + ':' + ref;
      const go = document.getElementById('jump-go');
      if (go) go.click();
      return;
    }
    const thumb = element.closest('button');
    const label = thumb ? thumb.getAttribute('aria-label') || '' : '';
    if (/赞|踩|like|dislike/i.test(label)) window.assistantRatedAt = thumb.getBoundingClientRect();
  }, true);
})();
</script>"""

# js= of the events (each receives the event's input values).
AFTER_ANSWER = "(copies) => { window.assistantCopies = copies || []; window.assistantFollow(); }"
JUMP_TARGET = "(target) => [window.assistantTarget || target]"
SCROLL_OUTLINE = "() => window.assistantScrollOutline()"
PLACE_RATING = "() => window.assistantPlaceRating()"
