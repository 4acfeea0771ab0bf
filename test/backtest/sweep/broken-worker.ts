/** A worker module that fails while loading, as one with a bad import would. */
throw new Error('broken on purpose');
