"""A local test server for tst_httptls: HTTPS on one port (/ping answers "pong",
/redirect sends a 302 to the plain server), plain HTTP on another. Both listen on
127.0.0.1 at free ports; it prints "HTTPS_PORT PLAIN_PORT" once they listen.
Usage: https_server.py CERT.pem KEY.pem"""
import http.server, ssl, sys, threading

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/ping" % plain.server_address[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"pong" if self.path == "/ping" else b"no such page"
        self.send_response(200 if self.path == "/ping" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
secure.socket = context.wrap_socket(secure.socket, server_side=True)
threading.Thread(target=plain.serve_forever, daemon=True).start()
print(secure.server_address[1], plain.server_address[1], flush=True)
secure.serve_forever()
