/** True for 127.0.0.0/8, ::1, and "localhost". 0.0.0.0 and :: listen on every interface, so they are not. */
export function isLoopbackAddress(host: string): boolean;
/** The host part of a Host header ("127.0.0.1:3000", "[::1]:3000", "localhost"). */
export function hostnameOf(hostHeader: string): string;
