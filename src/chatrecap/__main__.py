from chatrecap.cli import main

main()
