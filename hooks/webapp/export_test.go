package webapp

// GzipMinBytes is gzipMinBytes for the tests.
const GzipMinBytes = gzipMinBytes
