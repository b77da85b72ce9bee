/**
 * Polite announcements for screen readers: one aria-live region in the app
 * shell reads whatever is put here (status changes, saved forms, uploads).
 * Messages that arrive close together are read as one, so that none is lost
 * (three documents becoming ready at once are three sentences).
 */
class Live {
  message = $state('');
  #pending: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  announce(message: string) {
    this.#pending.push(message);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const text = this.#pending.join(' ');
      this.#pending = [];
      // clear first so that the same sentence twice is read twice
      this.message = '';
      setTimeout(() => (this.message = text), 30);
    }, 120);
  }
}

export const live = new Live();
