import { pb } from './pb';
import { signInMessage, statusOf, messageOf } from './errors';
import type { Tenant, User } from './types';

/**
 * Who is signed in, and their tenant. The token lives in the SDK's auth
 * store; this mirrors it for the screens and loads the tenant alongside.
 */
class Session {
  user = $state<User | null>(pb.authStore.isValid ? (pb.authStore.record as User) : null);
  tenant = $state<Tenant | null>(null);
  /** a message for the sign-in screen after a session ended by the server */
  notice = $state('');
  isAdmin = $derived(this.user?.role === 'admin');
  /** managers and admins see the Usage dashboard */
  isManager = $derived(this.user?.role === 'admin' || this.user?.role === 'manager');

  #checking = false;

  constructor() {
    pb.authStore.onChange(() => {
      this.user = pb.authStore.isValid ? (pb.authStore.record as User) : null;
      if (!this.user) this.tenant = null;
    });
    // A session can end while the app is open: the account deactivated (its
    // tokens stop working: 401) or the dealership suspended (every call: 403).
    // On either, ask the server about the session itself, which ends it with
    // the server's reason when that is what happened.
    pb.afterSend = (response, data) => {
      const auth = response.url.includes('/auth-with-password') || response.url.includes('/auth-refresh');
      if (!auth && this.user && (response.status === 401 || response.status === 403)) this.#recheck();
      return data;
    };
    // A token that stopped working makes the caller a guest, whose lists are
    // simply empty, so a deactivation need not show as a 401. But the server
    // drops the realtime connections of a deactivated user or a suspended
    // dealership: check the session whenever the live connection breaks.
    pb.realtime.onDisconnect = () => {
      if (this.user) this.#recheck();
    };
  }

  #recheck() {
    if (this.#checking) return;
    this.#checking = true;
    this.refresh().finally(() => (this.#checking = false));
  }

  /** Signs in; resolves to null on success, else the message to show. */
  async signIn(email: string, password: string): Promise<string | null> {
    try {
      await pb.collection('users').authWithPassword(email.trim(), password);
    } catch (err) {
      return signInMessage(err);
    }
    await this.loadTenant();
    return null;
  }

  /**
   * Re-validates a stored session with the server (role or tenant may have
   * changed; the account may have been deactivated). Ends it on 401/403 and
   * keeps the server's reason for the sign-in screen.
   */
  async refresh(): Promise<void> {
    if (!pb.authStore.isValid) {
      if (pb.authStore.token) this.end('Your session has expired. Sign in again.');
      return;
    }
    try {
      await pb.collection('users').authRefresh();
      await this.loadTenant();
    } catch (err) {
      const s = statusOf(err);
      if (s === 401) this.end('Your session has ended. Sign in again.');
      else if (s === 403) this.end(messageOf(err));
      // offline or a server hiccup: keep the session, the screens say what failed
    }
  }

  async loadTenant(): Promise<void> {
    const id = this.user?.tenant;
    if (!id) return;
    try {
      this.tenant = await pb.collection('tenants').getOne<Tenant>(id);
    } catch {
      this.tenant = null;
    }
  }

  end(notice = '') {
    this.notice = notice;
    pb.realtime.unsubscribe().catch(() => {});
    pb.authStore.clear();
  }

  signOut() {
    this.end('');
  }
}

export const session = new Session();
