import PocketBase from 'pocketbase';

/**
 * The one PocketBase client of the app. The API is on the same origin as the
 * app (the binary serves both), which keeps the Content-Security-Policy at
 * connect-src 'self'. The auth store is the SDK's LocalAuthStore
 * (localStorage "pocketbase_auth").
 */
export const pb = new PocketBase(typeof location === 'undefined' ? 'http://localhost' : location.origin);

// The SDK cancels a request when another one to the same path starts; screens
// that load lists and records in parallel would see spurious aborts.
pb.autoCancellation(false);
