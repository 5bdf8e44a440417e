#pragma once

#include <libssh/libssh.h>
#include <memory>

// Every libssh handle is owned by one of these, so no path can leak or double-free it.
namespace SshHandles {

struct SessionDeleter
{
    void operator()(ssh_session session) const
    {
        ssh_disconnect(session);
        ssh_free(session);
    }
};

struct ChannelDeleter
{
    void operator()(ssh_channel channel) const
    {
        if (ssh_channel_is_open(channel))
            ssh_channel_close(channel);
        ssh_channel_free(channel);
    }
};

struct KeyDeleter
{
    void operator()(ssh_key key) const { ssh_key_free(key); }
};

struct StringDeleter
{
    void operator()(char *text) const { ssh_string_free_char(text); }
};

struct HashDeleter
{
    void operator()(unsigned char *hash) const { ssh_clean_pubkey_hash(&hash); }
};

using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyDeleter>;
using StringPtr = std::unique_ptr<char, StringDeleter>;
using HashPtr = std::unique_ptr<unsigned char, HashDeleter>;

} // namespace SshHandles
