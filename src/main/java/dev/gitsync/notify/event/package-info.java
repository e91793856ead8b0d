/** What notifications are about: the events, their commits and changes, as data. */
package dev.gitsync.notify.event;
