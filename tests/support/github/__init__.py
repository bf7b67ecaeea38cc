"""The GitHub REST emulator the tests run PyGithub against."""
