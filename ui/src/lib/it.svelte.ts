import PocketBase, { BaseAuthStore, type AuthRecord } from 'pocketbase';
import { messageOf, statusOf, UNREACHABLE } from './errors';

/**
 * The IT view's own session: a superuser (PocketBase's `_superusers`) signed
 * in with a client of its own, so that it never mixes with the tenant
 * session (the app's `pb`, whose guards end a session on 401/403 and whose
 * token lives in localStorage). The superuser's token is kept in
 * sessionStorage: it goes with the tab, and a tenant user of the same browser
 * never holds it.
 */
export class TabAuthStore extends BaseAuthStore {
  readonly #key: string;
  readonly #storage: Storage | undefined;

  constructor(key: string, storage: Storage | undefined = typeof sessionStorage === 'undefined' ? undefined : sessionStorage) {
    super();
    this.#key = key;
    this.#storage = storage;
    try {
      const raw = storage?.getItem(key);
      if (raw) {
        const { token, record } = JSON.parse(raw) as { token: string; record: AuthRecord };
        super.save(token, record);
      }
    } catch {
      storage?.removeItem(key);
    }
  }

  save(token: string, record?: AuthRecord): void {
    super.save(token, record);
    this.#storage?.setItem(this.#key, JSON.stringify({ token, record }));
  }

  clear(): void {
    super.clear();
    this.#storage?.removeItem(this.#key);
  }
}

/** The sign-in message for IT: PocketBase says 400 for a wrong email or password. */
export function itSignInMessage(err: unknown): string {
  const s = statusOf(err);
  if (s === 400 || s === 404) return 'The email address or the password is wrong, or this is not an IT (superuser) account.';
  if (s === 0) return UNREACHABLE;
  if (s === 429) return 'Too many sign-in attempts. Wait a few seconds, then try again.';
  return messageOf(err);
}

class ItSession {
  readonly pb = new PocketBase(
    typeof location === 'undefined' ? 'http://localhost' : location.origin,
    new TabAuthStore('counterpart_it_auth'),
  );
  email = $state('');
  signedIn = $state(false);

  constructor() {
    this.pb.autoCancellation(false);
    this.#sync();
    this.pb.authStore.onChange(() => this.#sync());
  }

  #sync() {
    const ok = this.pb.authStore.isValid && this.pb.authStore.isSuperuser;
    this.signedIn = ok;
    this.email = ok ? ((this.pb.authStore.record?.email as string | undefined) ?? '') : '';
  }

  /** Signs a superuser in; resolves to null on success, else the message to show. */
  async signIn(email: string, password: string): Promise<string | null> {
    try {
      await this.pb.collection('_superusers').authWithPassword(email.trim(), password);
    } catch (err) {
      const mfa = (err as { response?: { mfaId?: string } }).response?.mfaId;
      if (mfa) return 'This account needs a second factor. Sign in through the admin dashboard at /_/ instead.';
      return itSignInMessage(err);
    }
    return null;
  }

  signOut() {
    this.pb.authStore.clear();
  }
}

export const itSession = new ItSession();
