/* wordcount: counts the lines, words and bytes of standard input and prints them as "lines words bytes\n", like
 * `LC_ALL=C wc` (a line is a '\n'; a word is a maximal run of bytes that are not space, \t, \n, \v, \f or \r).
 * Built for wasm32-wasi by programs/build.sh; runs on the marketplace's deterministic WASI host, where stdin is the
 * job input and stdout the job output. Exit status 0, or 1 (with a message on stderr) when stdin cannot be read. */
#include <stdio.h>

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int main(void)
{
    static unsigned char buffer[16384];
    unsigned long long lines = 0, words = 0, bytes = 0;
    int in_word = 0;
    size_t n;

    while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) {
            int c = buffer[i];
            if (c == '\n') {
                lines++;
            }
            if (is_space(c)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
        }
        bytes += n;
    }
    if (ferror(stdin)) {
        fputs("wordcount: cannot read standard input\n", stderr);
        return 1;
    }
    printf("%llu %llu %llu\n", lines, words, bytes);
    return 0;
}
