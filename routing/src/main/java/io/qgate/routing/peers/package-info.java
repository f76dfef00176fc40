/**
 * Gateways that route as one: each gateway tells the others, every few milliseconds, how many
 * requests it has dispatched to and seen finish on each replica, and adds what they report to its
 * own load estimates. The message, its authentication and the bookkeeping live here, with no I/O
 * and time passed in; the gateway carries the datagrams, the fleet simulation delays and drops them.
 */
package io.qgate.routing.peers;
