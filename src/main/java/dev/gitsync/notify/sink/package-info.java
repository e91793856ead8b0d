/** Notification sinks: parsing their URLs and options, and user message templates. */
package dev.gitsync.notify.sink;
