"""The YAML subset reader the CI checks rely on: what it reads, and what it refuses."""

import unittest

from yaml_subset import YamlError, loads

SAMPLE = """\
# comment
name: demo   # trailing comment
on:
  push:
    branches: [main, 'release/*']
  pull_request:
jobs:
  build:
    strategy:
      matrix:
        arch: [x64, x86]
        include:
          - arch: x64
            msystem: MINGW64
    steps:
    - uses: actions/checkout@v4
    - name: "quoted: with colon # not a comment"
      run: |
        echo one   # kept: a comment inside a script is script
        echo two
      shell: msys2 {0}
    - with:
        install: >-
          a
          b
    -
      plain: true
"""


class YamlSubset(unittest.TestCase):
    def test_sample(self):
        doc = loads(SAMPLE)
        self.assertEqual(doc["name"], "demo")
        self.assertEqual(doc["on"]["push"]["branches"], ["main", "release/*"])
        self.assertIsNone(doc["on"]["pull_request"])
        job = doc["jobs"]["build"]
        self.assertEqual(job["strategy"]["matrix"]["include"], [{"arch": "x64", "msystem": "MINGW64"}])
        steps = job["steps"]
        self.assertEqual(steps[0], {"uses": "actions/checkout@v4"})
        self.assertEqual(steps[1]["name"], "quoted: with colon # not a comment")
        self.assertEqual(steps[1]["run"], "echo one   # kept: a comment inside a script is script\necho two\n")
        self.assertEqual(steps[1]["shell"], "msys2 {0}")
        self.assertEqual(steps[2]["with"]["install"], "a b")
        self.assertEqual(steps[3], {"plain": True})

    def test_refused(self):
        for text in ("a: &anchor 1\n", "a: {b: 1}\n", "---\na: 1\n", "a: 1\na: 2\n", "a:\n\t b: 1\n",
                     "a: 1\n  b: 2\n", "a: 'open\n", "a: [1,\n"):
            with self.subTest(text=text):
                with self.assertRaises(YamlError):
                    loads(text)


if __name__ == "__main__":
    unittest.main()
