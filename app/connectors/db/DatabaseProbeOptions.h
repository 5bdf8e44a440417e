#pragma once

// Limits of one database probe. The MySQL client counts whole seconds.
struct DatabaseProbeOptions
{
    int connectTimeoutSeconds = 5; // MYSQL_OPT_CONNECT_TIMEOUT: connect and the server's greeting
    int readTimeoutSeconds = 10; // MYSQL_OPT_READ_TIMEOUT / WRITE_TIMEOUT: each query
};
