/**
 * Keyboard shortcuts: one-key commands and "g then x" sequences, ignored
 * while typing in a field. The list below is what the `?` dialog shows;
 * screens register what an action does while they are open.
 */

export type Action =
  | 'help'
  | 'search'
  | 'new-chat'
  | 'next-chat'
  | 'prev-chat'
  | 'go-chat'
  | 'go-documents'
  | 'go-parts'
  | 'go-settings'
  | 'go-usage'
  | 'upload';

export interface Shortcut {
  /** keys as shown, space-separated for a sequence: "g d" */
  keys: string;
  action: Action;
  description: string;
  /** admin-only shortcuts are hidden for others */
  admin?: boolean;
  /** shortcuts for managers and admins only */
  manager?: boolean;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '?', action: 'help', description: 'Show these keyboard shortcuts' },
  { keys: 'n', action: 'new-chat', description: 'New chat' },
  { keys: '/', action: 'search', description: 'Focus the search box of the screen (documents, conversations, parts)' },
  { keys: 'j', action: 'next-chat', description: 'Next (older) conversation (on Chat)' },
  { keys: 'k', action: 'prev-chat', description: 'Previous (newer) conversation (on Chat)' },
  { keys: 'u', action: 'upload', description: 'Upload documents (on Documents)' },
  { keys: 'g c', action: 'go-chat', description: 'Go to Chat' },
  { keys: 'g d', action: 'go-documents', description: 'Go to Documents' },
  { keys: 'g p', action: 'go-parts', description: 'Go to Parts' },
  { keys: 'g u', action: 'go-usage', description: 'Go to Usage', manager: true },
  { keys: 'g s', action: 'go-settings', description: 'Go to Settings', admin: true },
];

/** Keys that work everywhere, also listed in the dialog. */
export const STANDARD_KEYS = [
  { keys: 'Tab / Shift+Tab', description: 'Move between controls' },
  { keys: 'Enter', description: 'Open a link, press a button, submit a form' },
  { keys: 'Esc', description: 'Close a dialog' },
];

/** Keys of the chat's message box, also listed in the dialog. */
export const CHAT_KEYS = [
  { keys: 'Enter', description: 'Send the question (in the message box)' },
  { keys: 'Shift+Enter', description: 'New line (in the message box)' },
  { keys: 'Esc', description: 'Stop the answer being written' },
];

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

const SEQUENCE_MS = 1200;

/** Recognises shortcuts from a stream of key presses. */
export class KeyReader {
  #pending = '';
  #at = 0;
  #table: Map<string, Action>;

  constructor(shortcuts: Shortcut[] = SHORTCUTS) {
    this.#table = new Map(shortcuts.map((s) => [s.keys, s.action]));
  }

  /** Feeds a key press at time now (ms); returns the action it completes, if any. */
  feed(e: KeyLike, now: number): Action | null {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      this.#pending = '';
      return null;
    }
    const key = e.key;
    if (this.#pending && now - this.#at <= SEQUENCE_MS) {
      const seq = `${this.#pending} ${key}`;
      this.#pending = '';
      const hit = this.#table.get(seq);
      if (hit) return hit;
    }
    this.#pending = '';
    const single = this.#table.get(key);
    if (single) return single;
    // the start of a sequence?
    for (const k of this.#table.keys()) {
      if (k.startsWith(key + ' ')) {
        this.#pending = key;
        this.#at = now;
        break;
      }
    }
    return null;
  }

  /** Whether a sequence was started and waits for its next key. */
  get waiting(): boolean {
    return this.#pending !== '';
  }
}

/** Whether key presses on el are typing (fields, editable content), not commands. */
export function isTypingTarget(el: EventTarget | null): boolean {
  if (!el || typeof (el as Element).closest !== 'function') return false;
  const e = el as HTMLElement;
  if (e.isContentEditable) return true;
  const tag = e.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (e as HTMLInputElement).type;
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'range', 'color'].includes(type);
  }
  return false;
}

type Handler = () => void;
const handlers = new Map<Action, Handler[]>();

/** Registers what an action does while a screen is open; returns the unregister function. */
export function onAction(action: Action, fn: Handler): () => void {
  const list = handlers.get(action) ?? [];
  list.push(fn);
  handlers.set(action, list);
  return () => {
    const l = handlers.get(action) ?? [];
    const i = l.lastIndexOf(fn);
    if (i >= 0) l.splice(i, 1);
  };
}

/** Runs the most recently registered handler of action; false when there is none. */
export function runAction(action: Action): boolean {
  const list = handlers.get(action);
  const fn = list?.[list.length - 1];
  if (!fn) return false;
  fn();
  return true;
}
