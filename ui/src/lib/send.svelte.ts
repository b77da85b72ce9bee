/**
 * Sending one question, as the chat screen shows it: the question is on
 * screen at once (pending), Send stays disabled until the server has stored
 * it (accepted, the answer's stream has started), and a repeated Enter
 * meanwhile is ignored: one question, one conversation, however slow the
 * connection. A question typed on the chat home goes to a conversation that
 * is created first; the state then names it, so the conversation's page
 * (a new screen instance) carries on with the same question.
 *
 *   idle ──start──▶ pending ──accept──▶ accepted ──finish──▶ idle
 *                     │  └─created (a new conversation exists)
 *                     └──refuse (the text goes back to the box)──▶ idle
 *
 * start() hands out a ticket; a step taken with an older ticket (a screen
 * that was left finishing its request late) changes nothing.
 */

export type SendPhase = 'idle' | 'pending' | 'accepted';

export class SendState {
  phase = $state<SendPhase>('idle');
  /** the question on its way; '' when idle */
  text = $state('');
  /** the conversation it goes to; '' while a new one is being created */
  conversation = $state('');
  #ticket = 0;

  /** the ticket of the question on its way; 0 when idle */
  get ticket(): number {
    return this.phase === 'idle' ? 0 : this.#ticket;
  }

  /** a question is on its way: Send is disabled, Enter does nothing */
  get busy(): boolean {
    return this.phase !== 'idle';
  }

  /** the question is shown but the server does not have it yet */
  get pending(): boolean {
    return this.phase === 'pending';
  }

  /**
   * Takes a question to send into conversation ('' starts a new one) and
   * returns its ticket. It returns 0, and nothing changes, for an empty text
   * or while another question is on its way (a repeated Enter).
   */
  start(text: string, conversation = ''): number {
    const question = text.trim();
    if (!question || this.busy) return 0;
    this.phase = 'pending';
    this.text = question;
    this.conversation = conversation;
    return ++this.#ticket;
  }

  /** The new conversation exists; the question is still pending. */
  created(conversation: string, ticket = this.ticket): void {
    if (this.#mine(ticket) && this.phase === 'pending' && !this.conversation) this.conversation = conversation;
  }

  /** The server stored the question: its answer is on the way. */
  accept(ticket = this.ticket): void {
    if (this.#mine(ticket) && this.phase === 'pending') this.phase = 'accepted';
  }

  /** Whether the question on its way goes to conversation (and is not yet the server's). */
  pendingFor(conversation: string): boolean {
    return this.phase === 'pending' && !!conversation && this.conversation === conversation;
  }

  /**
   * The server refused the question, or could not be reached, before it had
   * it: nothing was stored. Returns the text to give back to the message box.
   */
  refuse(ticket = this.ticket): string {
    if (!this.#mine(ticket)) return '';
    const text = this.phase === 'pending' ? this.text : '';
    this.#reset();
    return text;
  }

  /** The answer ended (done, failed, stopped), or the screen let go of it. */
  finish(ticket = this.ticket): void {
    if (this.#mine(ticket)) this.#reset();
  }

  #mine(ticket: number): boolean {
    return ticket !== 0 && ticket === this.ticket;
  }

  #reset() {
    this.phase = 'idle';
    this.text = '';
    this.conversation = '';
  }
}
