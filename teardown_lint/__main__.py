from .cli import console_main

if __name__ == "__main__":  # not when a worker process started by `spawn` imports this module
    console_main()
