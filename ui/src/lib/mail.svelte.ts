import { pb } from './pb';
import { invite } from './api';
import type { LinkReply, MailApi } from './mail';

/** The mail-aware calls, bound to the app's PocketBase client (hooks/tenancy routes). */
export const mailApi: MailApi = {
  status: () => pb.send<{ set_up: boolean }>('/api/tenant/mail', { method: 'GET' }),
  invite,
  freshLink: (userId) =>
    pb.send<LinkReply>(`/api/tenant/users/${encodeURIComponent(userId)}/set-password-link`, { method: 'POST' }),
};

/**
 * Whether the server sends mail, asked once per sign-in: null until known
 * (or when it could not be asked), so that nothing claims either way.
 */
export class MailStatus {
  setUp = $state<boolean | null>(null);
  /** the banner was hidden until the next sign-in */
  hidden = $state(false);
  #asked: Promise<void> | null = null;
  #api: Pick<MailApi, 'status'>;

  constructor(api: Pick<MailApi, 'status'> = mailApi) {
    this.#api = api;
  }

  /** Asks the server, once until forget(); a failure leaves it unknown and may be asked again. */
  load(): Promise<void> {
    this.#asked ??= this.#api
      .status()
      .then((r) => {
        this.setUp = r.set_up === true;
      })
      .catch(() => {
        this.setUp = null;
        this.#asked = null;
      });
    return this.#asked;
  }

  /** Forgets the answer (on sign-out: the next person asks again). */
  forget() {
    this.setUp = null;
    this.hidden = false;
    this.#asked = null;
  }
}

export const mailStatus = new MailStatus();
