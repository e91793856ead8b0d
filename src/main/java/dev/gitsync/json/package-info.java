/** JSON reading for the outbox, its state, and services' answers. */
package dev.gitsync.json;
